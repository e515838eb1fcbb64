import type { Queryable } from '../db/queryable.js';

export type CallbackStatus = 'scheduled' | 'queued' | 'dialing' | 'completed' | 'failed' | 'cancelled';
export type CallbackSource = 'queue' | 'web' | 'follow_up' | 'campaign';
/** How one dial attempt ended. */
export type AttemptResult = 'answered' | 'no-answer' | 'busy' | 'rejected' | 'unreachable' | 'failed' | 'interrupted' | 'do-not-call';

export interface Callback {
  id: number;
  status: CallbackStatus;
  source: CallbackSource;
  customerId: number | null;
  phoneE164: string;
  queue: string;
  /** The place in line: when the caller joined the queue (a request's own time for the others). */
  queueEnteredAt: Date;
  requestedAt: Date;
  dueAt: Date;
  windowStart: Date | null;
  windowEnd: Date | null;
  agentId: number | null;
  attempts: number;
  maxAttempts: number;
  callId: string | null;
  outcomeDetail: string | null;
  endedAt: Date | null;
  lastAttemptAt: Date | null;
  notes: string;
  requestedBy: string | null;
  campaignId: number | null;
}

interface CallbackRow {
  id: number;
  status: CallbackStatus;
  source: CallbackSource;
  customer_id: number | null;
  phone_e164: string;
  queue: string;
  queue_entered_at: Date;
  requested_at: Date;
  due_at: Date;
  window_start: Date | null;
  window_end: Date | null;
  agent_id: number | null;
  attempts: number;
  max_attempts: number;
  call_id: string | null;
  outcome_detail: string | null;
  ended_at: Date | null;
  last_attempt_at: Date | null;
  notes: string;
  requested_by: string | null;
  campaign_id: number | null;
}

const COLUMNS = `id::int, status, source, customer_id::int, phone_e164, queue, queue_entered_at, requested_at, due_at, window_start, window_end,
  agent_id::int, attempts, max_attempts, call_id, outcome_detail, ended_at, last_attempt_at, notes, requested_by, campaign_id::int`;

const callbackOf = (row: CallbackRow): Callback => ({
  id: row.id,
  status: row.status,
  source: row.source,
  customerId: row.customer_id,
  phoneE164: row.phone_e164,
  queue: row.queue,
  queueEnteredAt: row.queue_entered_at,
  requestedAt: row.requested_at,
  dueAt: row.due_at,
  windowStart: row.window_start,
  windowEnd: row.window_end,
  agentId: row.agent_id,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  callId: row.call_id,
  outcomeDetail: row.outcome_detail,
  endedAt: row.ended_at,
  lastAttemptAt: row.last_attempt_at,
  notes: row.notes,
  requestedBy: row.requested_by,
  campaignId: row.campaign_id,
});

export interface NewCallback {
  source: Exclude<CallbackSource, 'queue' | 'campaign'>;
  phoneE164: string;
  customerId: number | null;
  queue: string;
  dueAt: Date;
  windowStart: Date | null;
  windowEnd: Date | null;
  agentId: number | null;
  maxAttempts: number;
  notes: string;
  requestKey: string | null;
  requestedBy: string;
}

export interface CallbackFilter {
  status?: CallbackStatus | undefined;
  customerId?: number | undefined;
  queue?: string | undefined;
  limit: number;
}

/** The callbacks table: every change is conditional on the state it expects, so a repeated or late step changes nothing. */
export class CallbackStore {
  constructor(private readonly db: Queryable) {}

  private async one(sql: string, params: unknown[]): Promise<Callback | null> {
    const { rows } = await this.db.query<CallbackRow>(sql, params);
    return rows[0] ? callbackOf(rows[0]) : null;
  }

  /** A request with a key already used answers the first request's callback (`created` false). */
  async create(request: NewCallback): Promise<{ callback: Callback; created: boolean }> {
    const created = await this.one(
      `INSERT INTO callbacks (source, phone_e164, customer_id, queue, queue_entered_at, due_at, window_start, window_end, agent_id, max_attempts, notes, request_key, requested_by)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (request_key) DO NOTHING RETURNING ${COLUMNS}`,
      [request.source, request.phoneE164, request.customerId, request.queue, request.dueAt, request.windowStart, request.windowEnd, request.agentId, request.maxAttempts, request.notes, request.requestKey, request.requestedBy],
    );
    if (created) return { callback: created, created: true };
    const existing = await this.one(`SELECT ${COLUMNS} FROM callbacks WHERE request_key = $1`, [request.requestKey]);
    if (!existing) throw new Error('callback request key conflict without a row');
    return { callback: existing, created: false };
  }

  get(id: number): Promise<Callback | null> {
    return this.one(`SELECT ${COLUMNS} FROM callbacks WHERE id = $1`, [id]);
  }

  async list(filter: CallbackFilter): Promise<Callback[]> {
    const { rows } = await this.db.query<CallbackRow>(
      `SELECT ${COLUMNS} FROM callbacks
        WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR customer_id = $2) AND ($3::text IS NULL OR queue = $3)
        ORDER BY requested_at DESC, id DESC LIMIT $4`,
      [filter.status ?? null, filter.customerId ?? null, filter.queue ?? null, filter.limit],
    );
    return rows.map(callbackOf);
  }

  /** Open callbacks, for the reconciler. */
  async open(status: 'scheduled' | 'queued' | 'dialing', { limit = 500, campaigns = true } = {}): Promise<Callback[]> {
    const { rows } = await this.db.query<CallbackRow>(
      `SELECT ${COLUMNS} FROM callbacks WHERE status = $1 AND ($3 OR campaign_id IS NULL) ORDER BY due_at LIMIT $2`,
      [status, limit, campaigns],
    );
    return rows.map(callbackOf);
  }

  /** Its turn in line is being kept: the ACD holds a stand-in call with this id. */
  markQueued(id: number, attempts: number, callId: string): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks SET status = 'queued', call_id = $3, updated_at = now() WHERE id = $1 AND status = 'scheduled' AND attempts = $2 RETURNING ${COLUMNS}`,
      [id, attempts, callId],
    );
  }

  /** An agent is reserved: the attempt starts, once (a second node, or a repeated offer, gets null). */
  startDialing(id: number, callId: string): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks SET status = 'dialing', attempts = attempts + 1, last_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'queued' AND call_id = $2 RETURNING ${COLUMNS}`,
      [id, callId],
    );
  }

  /** The customer is connected to an agent: done, whatever happens next. */
  completed(id: number, callId: string): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks SET status = 'completed', outcome_detail = 'answered', ended_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'dialing') AND call_id = $2 RETURNING ${COLUMNS}`,
      [id, callId],
    );
  }

  /** An attempt failed: again at `retryAt`, or failed for good after the last attempt (or when there is no retry time). */
  attemptFailed(id: number, callId: string, result: AttemptResult, retryAt: Date | null): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks
          SET status = CASE WHEN attempts < max_attempts AND $4::timestamptz IS NOT NULL THEN 'scheduled' ELSE 'failed' END,
              due_at = coalesce($4, due_at),
              outcome_detail = $3,
              ended_at = CASE WHEN attempts < max_attempts AND $4::timestamptz IS NOT NULL THEN NULL ELSE now() END,
              call_id = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'dialing') AND call_id = $2 RETURNING ${COLUMNS}`,
      [id, callId, result, retryAt],
    );
  }

  /** Calling hours moved its time. */
  reschedule(id: number, attempts: number, dueAt: Date, detail: string): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks SET due_at = $3, outcome_detail = $4, updated_at = now() WHERE id = $1 AND status = 'scheduled' AND attempts = $2 RETURNING ${COLUMNS}`,
      [id, attempts, dueAt, detail],
    );
  }

  /** Ends an open callback without dialling it (cancelled by a person, or a number that must not be called). */
  end(id: number, status: 'cancelled' | 'failed', detail: string, onlyFrom: readonly CallbackStatus[] = ['scheduled', 'queued']): Promise<Callback | null> {
    return this.one(
      `UPDATE callbacks SET status = $2, outcome_detail = $3, ended_at = now(), updated_at = now()
        WHERE id = $1 AND status = ANY($4::text[]) RETURNING ${COLUMNS}`,
      [id, status, detail, onlyFrom],
    );
  }

  /** The number is on the DNC list, or belongs to the customer (or any customer with that number) flagged do-not-call. */
  async doNotCall(e164: string, customerId: number | null): Promise<boolean> {
    return (await doNotCallAmong(this.db, [{ e164, customerId }])).has(0);
  }

  /** A campaign's contacts now in line or on the phone. */
  async campaignActive(campaignId: number): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>("SELECT count(*)::int AS count FROM callbacks WHERE campaign_id = $1 AND status IN ('queued', 'dialing')", [campaignId]);
    return rows[0]?.count ?? 0;
  }

  /** A running campaign's next contacts due, in list order. */
  async campaignDue(campaignId: number, limit: number): Promise<Callback[]> {
    const { rows } = await this.db.query<CallbackRow>(
      `SELECT ${COLUMNS} FROM callbacks WHERE campaign_id = $1 AND status = 'scheduled' AND due_at <= now() ORDER BY queue_entered_at, id LIMIT $2`,
      [campaignId, limit],
    );
    return rows.map(callbackOf);
  }

  async customerZone(customerId: number | null): Promise<string | null> {
    if (customerId === null) return null;
    const { rows } = await this.db.query<{ timezone: string | null }>('SELECT timezone FROM customers WHERE id = $1', [customerId]);
    return rows[0]?.timezone ?? null;
  }
}

/**
 * Which of these (number, customer) pairs must not be called, by index: the number is on the DNC list, or the
 * customer — or any customer with that number — is flagged do-not-call. One query for a whole campaign list.
 */
export async function doNotCallAmong(db: Queryable, contacts: ReadonlyArray<{ e164: string | null; customerId: number | null }>): Promise<Set<number>> {
  if (contacts.length === 0) return new Set();
  const { rows } = await db.query<{ n: number }>(
    `SELECT l.n::int - 1 AS n FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS l (e164, customer_id, n)
      WHERE EXISTS (SELECT 1 FROM dnc_numbers d WHERE d.e164 = l.e164)
         OR EXISTS (SELECT 1 FROM customers c WHERE c.do_not_call AND (c.id = l.customer_id OR c.id IN (SELECT customer_id FROM customer_phones p WHERE p.e164 = l.e164)))`,
    [contacts.map((contact) => contact.e164), contacts.map((contact) => contact.customerId)],
  );
  return new Set(rows.map((row) => row.n));
}
