/**
 * SQL fragments that render CRM rows as the API's JSON in PostgreSQL itself,
 * so a screen-pop is one round trip and no per-row mapping runs in Node.
 * `c` must be the alias of the customers row.
 */
export const CUSTOMER_JSON = `json_build_object(
  'id', c.id, 'externalId', c.external_id, 'name', c.name, 'company', c.company,
  'tier', c.tier, 'segment', c.segment, 'lifetimeValue', c.lifetime_value::float8,
  'preferredLanguage', c.preferred_language, 'doNotCall', c.do_not_call,
  'birthday', c.birthday, 'notes', c.notes,
  'phones', (SELECT coalesce(json_agg(json_build_object('e164', p.e164, 'label', p.label, 'primary', p.is_primary)
                                      ORDER BY p.is_primary DESC, p.e164), '[]'::json)
             FROM customer_phones p WHERE p.customer_id = c.id),
  'createdAt', c.created_at, 'updatedAt', c.updated_at)`;

export const OPEN_TICKETS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', t.id, 'subject', t.subject, 'status', t.status, 'priority', t.priority, 'openedAt', t.opened_at)
    ORDER BY t.opened_at DESC), '[]'::json)
  FROM (SELECT * FROM tickets WHERE customer_id = c.id AND status IN ('open', 'pending')
        ORDER BY opened_at DESC LIMIT 20) t)`;

export const RECENT_INTERACTIONS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', i.id, 'direction', i.direction, 'arrivedAt', i.arrived_at, 'queue', i.queue,
    'agent', u.display_name, 'outcome', i.outcome, 'disposition', i.disposition, 'notes', i.notes)
    ORDER BY i.arrived_at DESC), '[]'::json)
  FROM (SELECT * FROM interactions WHERE customer_id = c.id ORDER BY arrived_at DESC LIMIT 10) i
  LEFT JOIN users u ON u.id = i.agent_id)`;

export const RECENT_ORDERS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', o.id, 'orderNumber', o.order_number, 'amount', o.amount::text, 'currency', o.currency,
    'status', o.status, 'orderedAt', o.ordered_at)
    ORDER BY o.ordered_at DESC), '[]'::json)
  FROM (SELECT * FROM orders WHERE customer_id = c.id ORDER BY ordered_at DESC LIMIT 5) o)`;

/** The customer's callbacks, open ones first then the latest: a follow-up booked is on their history before it is dialled. */
export const CALLBACKS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', b.id, 'status', b.status, 'source', b.source, 'queue', b.queue, 'dueAt', b.due_at, 'notes', b.notes)
    ORDER BY b.open DESC, b.due_at DESC), '[]'::json)
  FROM (SELECT *, status IN ('scheduled', 'queued', 'dialing') AS open FROM callbacks WHERE customer_id = c.id
        ORDER BY status IN ('scheduled', 'queued', 'dialing') DESC, due_at DESC LIMIT 10) b)`;

/** The number to call a customer on: their primary one, else the first. */
export const PRIMARY_PHONE = `(SELECT e164 FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.is_primary DESC, p.e164 LIMIT 1)`;
