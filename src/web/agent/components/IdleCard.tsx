import { useI18n } from '../i18n/context.js';
import type { AgentStatus } from '../types.js';

/** No call in front of the agent: what happens next, in their state. */
export function IdleCard({ status, synced }: { status: AgentStatus; synced: boolean }) {
  const { t } = useI18n();
  const text = !synced ? t.idle.connecting : status === 'logged_out' ? t.idle.loggedOut : status === 'paused' ? t.idle.paused : t.idle.available;
  return (
    <section class="card idle" data-testid="idle">
      <p>{text}</p>
    </section>
  );
}
