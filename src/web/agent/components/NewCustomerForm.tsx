import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import type { Customer, CustomerCreate, ScreenPop } from '../types.js';
import { LANGUAGE_TAG } from './customer-fields.js';

/** The IVR's language choice, if it made one, is the best guess for a new customer's. */
function languageOf(pop: ScreenPop, fallback: string): string {
  const chosen = pop.ivr.attributes['language'];
  return typeof chosen === 'string' && new RegExp(LANGUAGE_TAG).test(chosen) ? chosen : fallback;
}

/** No match: a quick new customer, the caller's number filled in, created and linked to the call. */
export function NewCustomerForm({ pop, onCreated }: { pop: ScreenPop; onCreated: (customer: Customer) => void }) {
  const { t, lang } = useI18n();
  const run = useRunAction();
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [phone, setPhone] = useState(pop.caller.kind === 'withheld' ? '' : pop.caller.e164 ?? pop.caller.number);
  const [language, setLanguage] = useState(() => languageOf(pop, lang));
  const [notes, setNotes] = useState('');

  const submit = async (event: Event) => {
    event.preventDefault();
    const body: CustomerCreate = { name: name.trim(), preferredLanguage: language, notes };
    if (company.trim()) body.company = company.trim();
    if (phone.trim()) body.phones = [{ number: phone.trim(), primary: true }];
    await run(t.customer.create, async () => {
      const created = await api.createCustomer(body);
      onCreated(created);
      await api.pick(created.id);
    });
  };

  return (
    <form class="subform" onSubmit={(event) => void submit(event)} aria-labelledby="new-customer-heading" data-testid="new-customer">
      <h3 id="new-customer-heading">{t.customer.newCustomer}</h3>
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
          <span>{t.customer.phone}</span>
          <input type="tel" maxLength={40} value={phone} onInput={(event) => setPhone(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t.customer.language}</span>
          <input required pattern={LANGUAGE_TAG} maxLength={35} value={language} onInput={(event) => setLanguage(event.currentTarget.value)} />
        </label>
      </div>
      <label class="field">
        <span>{t.customer.notes}</span>
        <textarea rows={2} maxLength={10_000} value={notes} onInput={(event) => setNotes(event.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={name.trim() === ''}>
        {t.customer.create}
      </button>
    </form>
  );
}
