import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { PopCandidate } from '../types.js';

/** Who the customer is: name, company, tier, value, language, do-not-call, notes. */
export function CustomerProfile({ candidate, onEdit }: { candidate: PopCandidate; onEdit: () => void }) {
  const { t, fmt } = useI18n();
  const { customer } = candidate;
  return (
    <div class="profile" data-testid="customer-profile">
      <div class="profile-head">
        <h3 class="customer-name" data-testid="customer-name">
          {customer.name}
        </h3>
        <span class={`pill tier tier-${customer.tier}`}>{labelOf(t.tiers, customer.tier)}</span>
        <button type="button" class="quiet" onClick={onEdit}>
          ✎ {t.customer.edit}
        </button>
      </div>
      {customer.doNotCall && (
        <p class="notice warn" role="note">
          ⚠ {t.customer.doNotCall}
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>{t.customer.company}</dt>
          <dd>{customer.company ?? t.unknownValue}</dd>
        </div>
        <div>
          <dt>{t.customer.lifetimeValue}</dt>
          <dd>{fmt.money(customer.lifetimeValue)}</dd>
        </div>
        <div>
          <dt>{t.customer.language}</dt>
          <dd>{fmt.language(customer.preferredLanguage)}</dd>
        </div>
        <div>
          <dt>{t.customer.phones}</dt>
          <dd>{customer.phones.map((phone) => phone.e164).join(', ') || t.unknownValue}</dd>
        </div>
      </dl>
      {candidate.matchedLabel && <p class="muted small">{t.customer.matchedLabel(candidate.matchedLabel)}</p>}
      {customer.notes && (
        <div class="customer-notes">
          <h4>{t.customer.notes}</h4>
          <p>{customer.notes}</p>
        </div>
      )}
    </div>
  );
}
