import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { PopCandidate } from '../types.js';

/** Several customers share the number: the agent asks and picks; the pick is stored on the interaction. */
export function CandidateList({ candidates, onPicked }: { candidates: PopCandidate[]; onPicked: (customerId: number) => void }) {
  const { t, fmt } = useI18n();
  const run = useRunAction();
  const pick = (customerId: number) =>
    run(t.customer.pick, async () => {
      await api.pick(customerId);
      onPicked(customerId);
    });
  return (
    <div class="candidates">
      <p>{t.customer.several}</p>
      <ul class="candidate-list" data-testid="candidates">
        {candidates.map(({ customer, matchedLabel, openTickets, recentInteractions }) => (
          <li key={customer.id}>
            <div>
              <strong>{customer.name}</strong>
              {customer.company && <span class="muted"> · {customer.company}</span>} <span class={`pill tier tier-${customer.tier}`}>{labelOf(t.tiers, customer.tier)}</span>
              <p class="muted small">
                {matchedLabel && `${t.customer.matchedLabel(matchedLabel)} · `}
                {t.customer.openTickets}: {fmt.number(openTickets.length)}
                {recentInteractions[0] && ` · ${fmt.dateTime(recentInteractions[0].arrivedAt)}`}
              </p>
            </div>
            <button type="button" onClick={() => void pick(customer.id)}>
              {t.customer.pick}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
