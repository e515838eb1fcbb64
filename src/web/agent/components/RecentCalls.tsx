import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { Loaded } from '../hooks/use-loader.js';
import type { RecentCall } from '../types.js';

/** The agent's latest calls, newest first. */
export function RecentCalls({ data, onRefresh }: { data: Loaded<RecentCall[]>; onRefresh: () => void }) {
  const { t, fmt } = useI18n();
  const dash = t.unknownValue;
  return (
    <section class="card recent" aria-labelledby="recent-heading" data-testid="recent-calls">
      <div class="card-title">
        <h2 id="recent-heading">{t.recent.heading}</h2>
        <button type="button" class="quiet" onClick={onRefresh}>
          ↻ {t.recent.refresh}
        </button>
      </div>
      {data.kind === 'loading' && <p class="muted">{t.app.loading}</p>}
      {data.kind === 'error' && <p class="muted">{t.recent.unavailable}</p>}
      {data.kind === 'loaded' && data.value.length === 0 && <p class="muted">{t.recent.none}</p>}
      {data.kind === 'loaded' && data.value.length > 0 && (
        <div class="table-wrap">
          <table class="table stackable">
            <thead>
              <tr>
                <th scope="col">{t.recent.time}</th>
                <th scope="col">{t.recent.caller}</th>
                <th scope="col">{t.recent.customer}</th>
                <th scope="col">{t.recent.queue}</th>
                <th scope="col">{t.recent.disposition}</th>
                <th scope="col">{t.recent.talk}</th>
                <th scope="col">{t.recent.notes}</th>
              </tr>
            </thead>
            <tbody>
              {data.value.map((call) => (
                <tr key={call.callId}>
                  <td data-label={t.recent.time} class="nowrap">{fmt.dateTime(call.arrivedAt)}</td>
                  <td data-label={t.recent.caller} class="nowrap">{call.callerNumber ?? dash}</td>
                  <td data-label={t.recent.customer}>{call.customerName ?? dash}</td>
                  <td data-label={t.recent.queue}>{call.queue ?? dash}</td>
                  <td data-label={t.recent.disposition}>{call.disposition ? labelOf(t.dispositions, call.disposition) : call.outcome ? labelOf(t.outcomes, call.outcome) : dash}</td>
                  <td data-label={t.recent.talk} class="nowrap">{call.talkSeconds === null ? dash : fmt.duration(call.talkSeconds * 1000)}</td>
                  <td data-label={t.recent.notes} class="notes-cell">{call.notes || dash}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
