import { DEADLOCK_DETECTED, pgErrorCode, type Queryable } from '../db/queryable.js';
import type { Logger } from '../logging/logger.js';

const WRITE_ATTEMPTS = 5;

/** ACD agent ids are user ids; anything else (a test's made-up agent) is not a users row. */
const agentIdOf = (agentId: string): number | null => (/^\d{1,15}$/.test(agentId) ? Number(agentId) : null);

export type InteractionOutcome = 'answered' | 'abandoned' | 'voicemail' | 'callback' | 'transferred' | 'failed' | 'completed';

/** One entry of the IVR path: a step entered, with the caller's input and what came of it. */
export interface IvrPathEntry {
  step: string;
  type: string;
  at: string;
  /** How long the step took. */
  ms?: number;
  input?: string;
  result?: string;
}

export interface OpenInteraction {
  callId: string;
  callerNumber: string;
  callerE164: string | null;
  dialledNumber: string;
  customerId: number | null;
  arrivedAt: Date;
  flow: string;
}

/**
 * Writes a call's interaction row as the call goes (arrival, each IVR step,
 * hand-off, end), so a crash loses at most the step in flight. Writes of one
 * call are chained to keep their order; a failed write is logged, never
 * thrown into the caller's call.
 */
export class InteractionRecorder {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {}

  /** A busy pool or a brief connection loss is worth a few tries before a step goes unrecorded. */
  private async write(sql: string, params: unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.query(sql, params);
        return;
      } catch (error) {
        // A deadlock is possible, if unlikely, against the reports' roll-up locking the same bucket rows.
        const transient = (error instanceof Error && /timeout|ECONNREFUSED|ECONNRESET|Connection terminated/i.test(error.message)) || pgErrorCode(error) === DEADLOCK_DETECTED;
        if (!transient || attempt >= WRITE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  private enqueue(callId: string, what: string, sql: string, params: unknown[]): Promise<void> {
    const previous = this.chains.get(callId) ?? Promise.resolve();
    const next = previous
      .then(() => this.write(sql, params))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, callId }, `could not record ${what} on the interaction`),
      );
    this.chains.set(callId, next);
    void next.then(() => {
      if (this.chains.get(callId) === next) this.chains.delete(callId);
    });
    return next;
  }

  open(call: OpenInteraction): Promise<void> {
    return this.enqueue(
      call.callId,
      'the arrival',
      `INSERT INTO interactions (call_id, customer_id, direction, caller_number, caller_e164, dialled_number, arrived_at, flow)
       VALUES ($1, $2, 'inbound', $3, $4, $5, $6, $7) ON CONFLICT (call_id) DO NOTHING`,
      [call.callId, call.customerId, call.callerNumber, call.callerE164, call.dialledNumber, call.arrivedAt, call.flow],
    );
  }

  /** A call Ringside places to a customer (a callback attempt): on their history from the dial on. */
  openOutbound(call: { callId: string; customerId: number | null; e164: string; queue: string; callbackId: number }): Promise<void> {
    return this.enqueue(
      call.callId,
      'the outbound call',
      `INSERT INTO interactions (call_id, customer_id, direction, caller_number, caller_e164, dialled_number, queue, callback_id, flow)
       VALUES ($1, $2, 'outbound', $3, $3, $3, $4, $5, 'callback') ON CONFLICT (call_id) DO NOTHING`,
      [call.callId, call.customerId, call.e164, call.queue, call.callbackId],
    );
  }

  step(callId: string, entry: IvrPathEntry): Promise<void> {
    return this.enqueue(callId, 'an IVR step', `UPDATE interactions SET ivr_path = ivr_path || $2::jsonb, updated_at = now() WHERE call_id = $1`, [
      callId,
      JSON.stringify([entry]),
    ]);
  }

  identify(callId: string, customerId: number): Promise<void> {
    return this.enqueue(callId, 'the customer', 'UPDATE interactions SET customer_id = $2, updated_at = now() WHERE call_id = $1', [callId, customerId]);
  }

  queued(callId: string, queue: string, attributes: Record<string, unknown>): Promise<void> {
    return this.enqueue(callId, 'the hand-off', 'UPDATE interactions SET queue = $2, attributes = $3::jsonb, queued_at = COALESCE(queued_at, now()), updated_at = now() WHERE call_id = $1', [
      callId,
      queue,
      JSON.stringify(attributes),
    ]);
  }

  /** A wait estimate announced to the caller (wait_estimate_errors compares it with the wait that followed). */
  waitEstimate(callId: string, queue: string, position: number | null, estimateSeconds: number): Promise<void> {
    return this.enqueue(callId, 'a wait estimate', 'INSERT INTO wait_estimates (call_id, queue, position, estimate_seconds) VALUES ($1, $2, $3, $4)', [
      callId,
      queue,
      position,
      estimateSeconds,
    ]);
  }

  /** The call moved to another queue (overflow, supervisor): reports count it where it was answered. */
  requeued(callId: string, queue: string): Promise<void> {
    return this.enqueue(callId, 'the queue change', 'UPDATE interactions SET queue = $2, updated_at = now() WHERE call_id = $1', [callId, queue]);
  }

  /** An agent's phone rings for the call; the first offer's time is kept (the screen-pop and the wait are measured from it). */
  offered(callId: string, agentId: string): Promise<void> {
    return this.enqueue(
      callId,
      'the offer',
      `UPDATE interactions SET offered_at = coalesce(offered_at, now()), agent_id = $2, updated_at = now() WHERE call_id = $1`,
      [callId, agentIdOf(agentId)],
    );
  }

  /** An agent transferred the call: who, their note for the next agent, and where to (the next pop shows it). */
  transferred(callId: string, transfer: { fromAgent: string; note: string; to: string; kind: 'blind' | 'consult' | 'attended' }): Promise<void> {
    // handledBy: every agent who had the call, so each can still write their wrap-up on it.
    return this.enqueue(
      callId,
      'the transfer',
      `UPDATE interactions
          SET attributes = attributes || jsonb_build_object('transfer', $2::jsonb,
                'handledBy', CASE WHEN coalesce(attributes->'handledBy', '[]') ? $3 THEN attributes->'handledBy'
                                  ELSE coalesce(attributes->'handledBy', '[]') || to_jsonb($3::text) END),
              updated_at = now()
        WHERE call_id = $1`,
      [callId, JSON.stringify({ ...transfer, at: new Date().toISOString() }), transfer.fromAgent],
    );
  }

  answered(callId: string, agentId: string): Promise<void> {
    return this.enqueue(callId, 'the answer', 'UPDATE interactions SET answered_at = now(), agent_id = $2, updated_at = now() WHERE call_id = $1', [
      callId,
      agentIdOf(agentId),
    ]);
  }

  recording(callId: string, name: string): Promise<void> {
    return this.enqueue(callId, 'the recording', 'UPDATE interactions SET recording = $2, updated_at = now() WHERE call_id = $1', [callId, name]);
  }

  /** Closes the interaction once; a later close (a second event for the same end) changes nothing. */
  close(callId: string, outcome: InteractionOutcome, detail: string | null): Promise<void> {
    return this.enqueue(
      callId,
      'the outcome',
      `UPDATE interactions SET ended_at = now(), outcome = $2, outcome_detail = $3, updated_at = now()
       WHERE call_id = $1 AND ended_at IS NULL`,
      [callId, outcome, detail],
    );
  }

  /** Resolves when every pending write has landed (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  pending(): number {
    return this.chains.size;
  }
}
