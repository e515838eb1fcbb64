import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { withShortcut } from '../shortcuts.js';
import type { CallContext, ConsoleAction } from '../state/console-state.js';

/** The id Alt+N focuses. */
export const NOTE_FIELD_ID = 'call-note';
const ATTRIBUTE_KEY = '^[A-Za-z][A-Za-z0-9_.\\-]{0,63}$';

/** During the call: notes (stored on the interaction at once) and call attributes. */
export function CallNotes({ call, dispatch }: { call: CallContext; dispatch: (action: ConsoleAction) => void }) {
  const { t, fmt } = useI18n();
  const run = useRunAction();
  const [note, setNote] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const attributes = Object.entries(call.attributes);

  const addNote = async (event: Event) => {
    event.preventDefault();
    const text = note.trim();
    if (!text) return;
    const done = await run(t.notes.add, async () => {
      await api.note(text);
      dispatch({ type: 'noted', text, at: Date.now() });
    });
    if (done) setNote('');
  };

  const setAttribute = async (event: Event) => {
    event.preventDefault();
    const name = key.trim();
    const done = await run(t.notes.attributes, async () => {
      await api.attributes({ [name]: value });
      dispatch({ type: 'attributes', attributes: { [name]: value } });
    });
    if (done) {
      setKey('');
      setValue('');
    }
  };

  return (
    <section class="card notes" aria-labelledby="notes-heading">
      <h2 id="notes-heading">{t.notes.heading}</h2>
      <form onSubmit={(event) => void addNote(event)} class="stack">
        <label class="field">
          <span class="visually-hidden">{t.notes.label}</span>
          <textarea id={NOTE_FIELD_ID} rows={2} maxLength={10_000} placeholder={t.notes.placeholder} value={note} onInput={(event) => setNote(event.currentTarget.value)} title={withShortcut(t.notes.label, 'note')} />
        </label>
        <div class="button-row">
          <button type="submit" disabled={note.trim() === ''}>
            {t.notes.add}
          </button>
        </div>
      </form>
      {call.notes.length > 0 && (
        <ul class="note-list">
          {call.notes.map((entry) => (
            <li key={entry.at}>
              <time class="muted small">{fmt.time(entry.at)}</time> {entry.text}
            </li>
          ))}
        </ul>
      )}
      <h3>{t.notes.attributes}</h3>
      {attributes.length > 0 ? (
        <dl class="pairs">
          {attributes.map(([name, current]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{String(current)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted small">{t.notes.none}</p>
      )}
      <form class="inline-form" onSubmit={(event) => void setAttribute(event)}>
        <label class="field">
          <span>{t.notes.key}</span>
          <input required pattern={ATTRIBUTE_KEY} maxLength={64} title={t.notes.keyHint} value={key} onInput={(event) => setKey(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t.notes.value}</span>
          <input maxLength={500} value={value} onInput={(event) => setValue(event.currentTarget.value)} />
        </label>
        <button type="submit">{t.notes.set}</button>
      </form>
    </section>
  );
}
