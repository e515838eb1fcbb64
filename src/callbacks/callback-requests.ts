import type { CountryCode } from 'libphonenumber-js/max';
import { toE164 } from '../customers/phone.js';
import { PRIMARY_PHONE } from '../customers/sql.js';
import type { Queryable } from '../db/queryable.js';
import { isDirectQueue } from '../acd/direct-queue.js';
import { invalidInput, RingsideError } from '../errors.js';
import type { QueueDefinition } from '../routing/schema.js';
import type { CallbackService } from './callback-service.js';
import type { Callback, NewCallback } from './callback-store.js';

/** How far ahead a callback may be asked for. */
export const MAX_DAYS_AHEAD = 30;
const DAY_MS = 86_400_000;
/** An instant with its offset: a website's clock and ours need not share a zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const doNotCall = (): RingsideError => new RingsideError('do_not_call', 'this number must not be called (DNC list or the customer\'s do-not-call flag)', 422);

export function parseInstant(field: string, value: string): Date {
  const at = INSTANT.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw invalidInput(`${field} must be a date and time with its offset, e.g. 2026-06-01T09:30:00+08:00`, { field });
  return at;
}

export interface CallbackRequestContext {
  db: Queryable;
  callbacks: CallbackService;
  region: CountryCode;
  queue: (name: string) => QueueDefinition | undefined;
  now?: () => Date;
}

export interface CallbackRequest {
  source: 'web' | 'follow_up';
  number?: string | undefined;
  customerId?: number | undefined;
  queue: string;
  /** The earliest time to call; now when absent. */
  from?: string | undefined;
  /** The latest; the request fails if it cannot be honoured by then. */
  to?: string | undefined;
  note?: string | undefined;
  requestKey?: string | undefined;
  /** A follow-up to the booking agent themself (their own queue). */
  agentId?: number | undefined;
  requestedBy: string;
}

async function customerNumber(db: Queryable, customerId: number): Promise<string | null> {
  const { rows } = await db.query<{ e164: string | null }>(`SELECT ${PRIMARY_PHONE} AS e164 FROM customers c WHERE c.id = $1`, [customerId]);
  return rows[0]?.e164 ?? null;
}

/** Any common way of writing a number, in E.164; a 400 `invalid_number` otherwise. */
export function numberOf(raw: string, region: CountryCode): string {
  const e164 = toE164(raw, region);
  if (!e164) throw new RingsideError('invalid_number', 'number is not a valid phone number', 400, { field: 'number' });
  return e164;
}

/**
 * Validates a callback request completely before anything is written (a rejected request changes nothing),
 * then stores and schedules it. The number may be omitted when the customer has one on file.
 */
export async function requestCallback(context: CallbackRequestContext, request: CallbackRequest): Promise<{ callback: Callback; created: boolean }> {
  const now = context.now?.() ?? new Date();
  const queue = context.queue(request.queue);
  if (!queue || isDirectQueue(request.queue)) throw new RingsideError('unknown_queue', `there is no queue ${request.queue} in the routing rules`, 400, { field: 'queue' });
  if (request.customerId !== undefined) {
    const { rowCount } = await context.db.query('SELECT 1 FROM customers WHERE id = $1', [request.customerId]);
    if (!rowCount) throw new RingsideError('unknown_customer', `there is no customer ${request.customerId}`, 400, { field: 'customerId' });
  }
  const raw = request.number ?? (request.customerId !== undefined ? await customerNumber(context.db, request.customerId) : null);
  if (raw === null) throw invalidInput('number is required (the customer has no number on file)', { field: 'number' });
  const e164 = numberOf(raw, context.region);
  const from = request.from !== undefined ? parseInstant('from', request.from) : now;
  const to = request.to !== undefined ? parseInstant('to', request.to) : null;
  if (to && to <= from) throw invalidInput('to must be after from', { field: 'to' });
  if (to && to <= now) throw invalidInput('to is in the past', { field: 'to' });
  if (from.getTime() > now.getTime() + MAX_DAYS_AHEAD * DAY_MS) throw invalidInput(`from is more than ${MAX_DAYS_AHEAD} days ahead`, { field: 'from' });
  if (await context.callbacks.store.doNotCall(e164, request.customerId ?? null)) throw doNotCall();

  const start = from > now ? from : now;
  const record: NewCallback = {
    source: request.source,
    phoneE164: e164,
    customerId: request.customerId ?? null,
    queue: queue.name,
    dueAt: start,
    windowStart: request.from !== undefined ? from : null,
    windowEnd: to,
    agentId: request.agentId ?? null,
    maxAttempts: queue.callback.attempts,
    notes: request.note ?? '',
    requestKey: request.requestKey ?? null,
    requestedBy: request.requestedBy,
  };
  const result = await context.callbacks.store.create(record);
  if (result.created) await context.callbacks.schedule(result.callback);
  return result;
}
