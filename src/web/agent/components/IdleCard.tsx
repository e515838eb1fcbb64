import { useI18n } from '../i18n/context.js';
import type { AgentStatus } from '../types.js';

/** No call in front of the agent: what happens next, in their state. */
export function IdleCard({ status, reason, synced }: { status: AgentStatus; reason?: string | undefined; synced: boolean }) {
  const { t } = useI18n();
  const loggedOut = reason === 'state_lost' ? t.idle.stateLost : t.idle.loggedOut;
  const text = !synced ? t.idle.connecting : status === 'logged_out' ? loggedOut : status === 'paused' ? t.idle.paused : t.idle.available;
  return (
    <section class="card idle" data-testid="idle">
      <p>{text}</p>
    </section>
  );
}
