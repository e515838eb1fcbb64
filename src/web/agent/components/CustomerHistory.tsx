import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { PopCandidate } from '../types.js';

/** Open tickets, the last interactions (date, agent, disposition, notes) and recent orders. */
export function CustomerHistory({ candidate }: { candidate: PopCandidate }) {
  const { t, fmt } = useI18n();
  const dash = t.unknownValue;
  return (
    <div class="history">
      <h4>{t.customer.openTickets}</h4>
      {candidate.openTickets.length === 0 ? (
        <p class="muted small">{t.customer.noTickets}</p>
      ) : (
        <ul class="tickets">
          {candidate.openTickets.map((ticket) => (
            <li key={ticket.id}>
              <span class={`pill priority-${ticket.priority}`}>{labelOf(t.ticketPriorities, ticket.priority)}</span> {ticket.subject}
              <span class="muted small">
                {' '}
                · {labelOf(t.ticketStatuses, ticket.status)} · {t.customer.opened} {fmt.dateTime(ticket.openedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h4>{t.customer.interactions}</h4>
      {candidate.recentInteractions.length === 0 ? (
        <p class="muted small">{t.customer.noInteractions}</p>
      ) : (
        <div class="table-wrap">
          <table class="table stackable" data-testid="interactions">
            <thead>
              <tr>
                <th scope="col">{t.customer.date}</th>
                <th scope="col">{t.customer.agent}</th>
                <th scope="col">{t.customer.disposition}</th>
                <th scope="col">{t.customer.notes}</th>
              </tr>
            </thead>
            <tbody>
              {candidate.recentInteractions.slice(0, 10).map((entry) => (
                <tr key={entry.id}>
                  <td class="nowrap" data-label={t.customer.date}>{fmt.dateTime(entry.arrivedAt)}</td>
                  <td data-label={t.customer.agent}>{entry.agent ?? dash}</td>
                  <td data-label={t.customer.disposition}>{entry.disposition ? labelOf(t.dispositions, entry.disposition) : entry.outcome ? <span class="muted">{labelOf(t.outcomes, entry.outcome)}</span> : dash}</td>
                  <td class="notes-cell" data-label={t.customer.notes}>{entry.notes || dash}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {candidate.callbacks.length > 0 && (
        <>
          <h4>{t.customer.callbacks}</h4>
          <ul class="callbacks" data-testid="callbacks">
            {candidate.callbacks.map((callback) => (
              <li key={callback.id}>
                <span class={`pill callback-${callback.status}`}>{labelOf(t.callbackStatuses, callback.status)}</span> {fmt.dateTime(callback.dueAt)}
                <span class="muted small">
                  {' '}
                  · {labelOf(t.callbackSources, callback.source)} · {callback.queue}
                </span>
                {callback.notes && <span class="notes-cell"> · {callback.notes}</span>}
              </li>
            ))}
          </ul>
        </>
      )}

      <h4>{t.customer.orders}</h4>
      {candidate.recentOrders.length === 0 ? (
        <p class="muted small">{t.customer.noOrders}</p>
      ) : (
        <ul class="orders">
          {candidate.recentOrders.map((order) => (
            <li key={order.id}>
              <strong>{order.orderNumber}</strong> · {fmt.money(order.amount, order.currency)} · {labelOf(t.orderStatuses, order.status)}
              <span class="muted small"> · {fmt.dateTime(order.orderedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
