import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { currentCustomer, type CallContext } from '../state/console-state.js';

/** The datetime-local input's value for a time: local wall clock, minutes. */
const localInput = (at: Date): string => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
};

/**
 * During or after the call: a follow-up call to this customer at a chosen time, to the agent themself (only they
 * get it) or to a queue. It becomes a scheduled callback (dialled within the calling hours) on the customer's history.
 */
export function FollowUpForm({ call, queues }: { call: CallContext; queues: string[] }) {
  const { t, fmt } = useI18n();
  const run = useRunAction();
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setHours(10, 0, 0, 0);
  const [at, setAt] = useState(localInput(tomorrow));
  const [note, setNote] = useState('');
  const [to, setTo] = useState<'me' | 'queue'>('me');
  const [queue, setQueue] = useState(queues[0] ?? '');
  const [booked, setBooked] = useState<number | null>(null);
  const customer = currentCustomer(call)?.customer;
  const number = call.pop?.caller.e164 ?? null;
  if (!customer && !number) return null;

  const submit = async (event: Event) => {
    event.preventDefault();
    const when = new Date(at);
    if (Number.isNaN(when.getTime())) return;
    await run(t.followUp.book, async () => {
      await api.followUp({
        ...(customer ? { customerId: customer.id } : {}),
        ...(number ? { number } : {}),
        at: when.toISOString(),
        note,
        to,
        ...(to === 'queue' ? { queue } : {}),
      });
      setBooked(when.getTime());
      setNote('');
    });
  };

  return (
    <section class="card follow-up" aria-labelledby="follow-up-heading" data-testid="follow-up">
      <h2 id="follow-up-heading">{t.followUp.heading}</h2>
      <form class="stack" onSubmit={(event) => void submit(event)}>
        <label class="field">
          <span>{t.followUp.when}</span>
          <input type="datetime-local" required value={at} onInput={(event) => setAt(event.currentTarget.value)} />
        </label>
        <fieldset class="choice-row">
          <legend>{t.followUp.to}</legend>
          <label>
            <input type="radio" name="follow-up-to" checked={to === 'me'} onChange={() => setTo('me')} /> {t.followUp.me}
          </label>
          <label>
            <input type="radio" name="follow-up-to" checked={to === 'queue'} onChange={() => setTo('queue')} /> {t.followUp.queue}
          </label>
          {to === 'queue' && (
            <select aria-label={t.followUp.queue} value={queue} onChange={(event) => setQueue(event.currentTarget.value)}>
              {queues.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </fieldset>
        <label class="field">
          <span>{t.followUp.note}</span>
          <textarea rows={2} maxLength={1000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </label>
        <div class="button-row">
          <button type="submit">{t.followUp.book}</button>
          {booked !== null && (
            <span class="pill ok" role="status">
              {t.followUp.booked(fmt.dateTime(booked))}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
