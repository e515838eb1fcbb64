import type { CountryCode } from 'libphonenumber-js/max';
import type { Queryable } from '../db/queryable.js';
import { normaliseCallerId } from './phone.js';
import type { CallerLookup, PopCandidate } from './schemas.js';
import { CUSTOMER_JSON, OPEN_TICKETS_JSON, RECENT_INTERACTIONS_JSON, RECENT_ORDERS_JSON, CALLBACKS_JSON } from './sql.js';

/** A shared switchboard number can match many customers; an agent can only scan so many. */
export const MAX_CANDIDATES = 10;

export interface CallerMatch {
  callerId: string;
  e164: string | null;
  callerIdKind: CallerLookup['callerIdKind'];
  match: CallerLookup['match'];
  customerIds: number[];
}

const matchOf = (count: number): CallerLookup['match'] => (count === 0 ? 'none' : count === 1 ? 'one' : 'several');

/** The fast first step: which customers own this caller ID (index-only scan). */
export async function matchCaller(db: Queryable, callerId: string, region: CountryCode): Promise<CallerMatch> {
  const normalised = normaliseCallerId(callerId, region);
  const base = { callerId, e164: normalised.e164, callerIdKind: normalised.kind };
  if (!normalised.e164) return { ...base, match: 'none', customerIds: [] };
  const { rows } = await db.query<{ customer_id: number }>(
    'SELECT customer_id FROM customer_phones WHERE e164 = $1 ORDER BY customer_id LIMIT $2',
    [normalised.e164, MAX_CANDIDATES],
  );
  return { ...base, match: matchOf(rows.length), customerIds: rows.map((row) => row.customer_id) };
}

/**
 * Everything a screen-pop shows about a caller: each candidate's profile,
 * open tickets, last 10 interactions and 5 recent orders, in one query.
 * Candidates come most valuable first, so the likeliest caller leads the pick-list.
 */
export async function lookupCaller(db: Queryable, callerId: string, region: CountryCode): Promise<CallerLookup> {
  const normalised = normaliseCallerId(callerId, region);
  const base = { callerId, e164: normalised.e164, callerIdKind: normalised.kind };
  if (!normalised.e164) return { ...base, match: 'none', candidates: [] };
  const { rows } = await db.query<{ candidate: PopCandidate }>(
    `SELECT json_build_object(
        'customer', ${CUSTOMER_JSON},
        'matchedLabel', p.label,
        'openTickets', ${OPEN_TICKETS_JSON},
        'recentInteractions', ${RECENT_INTERACTIONS_JSON},
        'recentOrders', ${RECENT_ORDERS_JSON},
        'callbacks', ${CALLBACKS_JSON}) AS candidate
     FROM customer_phones p JOIN customers c ON c.id = p.customer_id
     WHERE p.e164 = $1
     ORDER BY c.lifetime_value DESC, c.id
     LIMIT $2`,
    [normalised.e164, MAX_CANDIDATES],
  );
  const candidates = rows.map((row) => row.candidate);
  return { ...base, match: matchOf(candidates.length), candidates };
}

/** The screen-pop data of one customer the IVR already identified (e.g. by the account number typed). */
export async function lookupCustomerPop(db: Queryable, customerId: number): Promise<PopCandidate | null> {
  const { rows } = await db.query<{ candidate: PopCandidate }>(
    `SELECT json_build_object(
        'customer', ${CUSTOMER_JSON},
        'matchedLabel', '',
        'openTickets', ${OPEN_TICKETS_JSON},
        'recentInteractions', ${RECENT_INTERACTIONS_JSON},
        'recentOrders', ${RECENT_ORDERS_JSON},
        'callbacks', ${CALLBACKS_JSON}) AS candidate
     FROM customers c WHERE c.id = $1`,
    [customerId],
  );
  return rows[0]?.candidate ?? null;
}
