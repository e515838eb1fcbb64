import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { Customer, CustomerUpdate } from '../types.js';
import { LANGUAGE_TAG, TIERS } from './customer-fields.js';

/** Edit the customer during the call: only the fields changed are sent (PATCH /api/customers/{id}). */
export function CustomerEditForm({ customer, onSaved, onCancel }: { customer: Customer; onSaved: (customer: Customer) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const run = useRunAction();
  const [name, setName] = useState(customer.name);
  const [company, setCompany] = useState(customer.company ?? '');
  const [tier, setTier] = useState<Customer['tier']>(customer.tier);
  const [language, setLanguage] = useState(customer.preferredLanguage);
  const [doNotCall, setDoNotCall] = useState(customer.doNotCall);
  const [notes, setNotes] = useState(customer.notes);

  const submit = async (event: Event) => {
    event.preventDefault();
    const change: CustomerUpdate = {};
    if (name.trim() !== customer.name) change.name = name.trim();
    if ((company.trim() || null) !== customer.company) change.company = company.trim() || null;
    if (tier !== customer.tier) change.tier = tier;
    if (language !== customer.preferredLanguage) change.preferredLanguage = language;
    if (doNotCall !== customer.doNotCall) change.doNotCall = doNotCall;
    if (notes !== customer.notes) change.notes = notes;
    if (Object.keys(change).length === 0) return onCancel();
    await run(t.customer.save, async () => onSaved(await api.updateCustomer(customer.id, change)));
  };

  return (
    <form class="subform" onSubmit={(event) => void submit(event)} aria-label={t.customer.edit}>
      <label class="field">
        <span>{t.customer.name}</span>
        <input required maxLength={200} value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t.customer.company}</span>
        <input maxLength={200} value={company} onInput={(event) => setCompany(event.currentTarget.value)} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>{t.customer.tier}</span>
          <select value={tier} onChange={(event) => setTier(event.currentTarget.value as Customer['tier'])}>
            {TIERS.map((code) => (
              <option key={code} value={code}>
                {labelOf(t.tiers, code)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t.customer.language}</span>
          <input required pattern={LANGUAGE_TAG} maxLength={35} value={language} onInput={(event) => setLanguage(event.currentTarget.value)} />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={doNotCall} onChange={(event) => setDoNotCall(event.currentTarget.checked)} />
        {t.customer.doNotCall}
      </label>
      <label class="field">
        <span>{t.customer.notes}</span>
        <textarea rows={3} maxLength={10_000} value={notes} onInput={(event) => setNotes(event.currentTarget.value)} />
      </label>
      <div class="button-row">
        <button type="submit" class="primary">
          {t.customer.save}
        </button>
        <button type="button" onClick={onCancel}>
          {t.customer.cancel}
        </button>
      </div>
    </form>
  );
}
