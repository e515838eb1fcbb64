import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';

/** After the call: a disposition from the configured list and notes, saved to the interaction (which ends wrap-up). */
export function WrapUpForm({ callId, dispositions, onSaved }: { callId: string; dispositions: string[]; onSaved: () => void }) {
  const { t } = useI18n();
  const run = useRunAction();
  const [disposition, setDisposition] = useState('');
  const [notes, setNotes] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!disposition) return;
    setSaving(true);
    const done = await run(t.wrapUp.save, () => api.wrapUp({ callId, disposition, notes }).then(() => undefined));
    setSaving(false);
    if (done) {
      setSaved(true);
      onSaved();
    }
  };

  return (
    <section class="card wrap-up" aria-labelledby="wrap-up-heading" data-testid="wrap-up">
      <h2 id="wrap-up-heading">{t.wrapUp.heading}</h2>
      <form class="stack" onSubmit={(event) => void submit(event)}>
        {dispositions.length === 0 && <p class="notice warn">{t.wrapUp.noDispositions}</p>}
        <label class="field">
          <span>{t.wrapUp.disposition}</span>
          <select required value={disposition} onChange={(event) => setDisposition(event.currentTarget.value)} autoFocus>
            <option value="">{t.wrapUp.choose}</option>
            {dispositions.map((code) => (
              <option key={code} value={code}>
                {labelOf(t.dispositions, code)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t.wrapUp.notes}</span>
          <textarea rows={4} maxLength={10_000} value={notes} onInput={(event) => setNotes(event.currentTarget.value)} />
        </label>
        <div class="button-row">
          <button type="submit" class="primary" disabled={saving || saved || disposition === ''}>
            {saving ? t.wrapUp.saving : t.wrapUp.save}
          </button>
          {saved && (
            <span class="pill ok" role="status">
              {t.wrapUp.saved}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
