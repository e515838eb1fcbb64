import { randomUUID } from 'node:crypto';
import { DEADLOCK_DETECTED, isDatabaseUnavailable, pgErrorCode, type Queryable } from '../db/queryable.js';
import type { Logger } from '../logging/logger.js';
import type { InteractionOutbox } from './interaction-outbox.js';
import { WRITE_SQL, type InteractionWrite, type WriteOp, type WriteParam } from './interaction-writes.js';

/** Tries of a write straight to PostgreSQL; with an outbox the write waits there after the last, without one it is lost. */
const DIRECT_ATTEMPTS_WITH_OUTBOX = 2;
const DIRECT_ATTEMPTS_ALONE = 5;

/** ACD agent ids are user ids; anything else (a test's made-up agent) is not a users row. */
const agentIdOf = (agentId: string): number | null => (/^\d{1,15}$/.test(agentId) ? Number(agentId) : null);

const at = (): string => new Date().toISOString();

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
 * thrown into the caller's call. While PostgreSQL is away the writes wait in
 * the outbox (Redis) and land, in order and once each, when it is back.
 */
export class InteractionRecorder {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly outbox?: InteractionOutbox,
  ) {}

  private async write(write: InteractionWrite): Promise<void> {
    if (this.outbox?.holding()) {
      await this.outbox.push(write);
      return;
    }
    try {
      await this.writeDirect(write);
    } catch (error) {
      if (!this.outbox || !isDatabaseUnavailable(error)) throw error;
      await this.outbox.push(write);
      this.logger.warn({ err: error, callId: write.callId, op: write.op }, 'PostgreSQL unavailable; the interaction write waits in the outbox');
    }
  }

  /** A busy pool or a brief connection loss is worth a few tries before the write goes to the outbox (or is lost). */
  private async writeDirect(write: InteractionWrite): Promise<void> {
    const attempts = this.outbox ? DIRECT_ATTEMPTS_WITH_OUTBOX : DIRECT_ATTEMPTS_ALONE;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.query(WRITE_SQL[write.op], write.params);
        return;
      } catch (error) {
        // A deadlock is possible, if unlikely, against the reports' roll-up locking the same bucket rows.
        const transient = isDatabaseUnavailable(error) || pgErrorCode(error) === DEADLOCK_DETECTED;
        if (!transient || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  private enqueue(callId: string, what: string, op: WriteOp, params: WriteParam[]): Promise<void> {
    const write: InteractionWrite = { id: randomUUID(), op, callId, params };
    const previous = this.chains.get(callId) ?? Promise.resolve();
    const next = previous
      .then(() => this.write(write))
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
    return this.enqueue(call.callId, 'the arrival', 'open', [
      call.callId,
      call.customerId,
      call.callerNumber,
      call.callerE164,
      call.dialledNumber,
      call.arrivedAt.toISOString(),
      call.flow,
    ]);
  }

  /** A call Ringside places to a customer (a callback attempt): on their history from the dial on. */
  openOutbound(call: { callId: string; customerId: number | null; e164: string; queue: string; callbackId: number }): Promise<void> {
    return this.enqueue(call.callId, 'the outbound call', 'openOutbound', [call.callId, call.customerId, call.e164, call.queue, call.callbackId, at()]);
  }

  step(callId: string, entry: IvrPathEntry): Promise<void> {
    return this.enqueue(callId, 'an IVR step', 'step', [callId, JSON.stringify([entry])]);
  }

  identify(callId: string, customerId: number): Promise<void> {
    return this.enqueue(callId, 'the customer', 'identify', [callId, customerId]);
  }

  queued(callId: string, queue: string, attributes: Record<string, unknown>): Promise<void> {
    return this.enqueue(callId, 'the hand-off', 'queued', [callId, queue, JSON.stringify(attributes), at()]);
  }

  /** A wait estimate announced to the caller (wait_estimate_errors compares it with the wait that followed). */
  waitEstimate(callId: string, queue: string, position: number | null, estimateSeconds: number): Promise<void> {
    return this.enqueue(callId, 'a wait estimate', 'waitEstimate', [callId, queue, position, estimateSeconds, at()]);
  }

  /** The call moved to another queue (overflow, supervisor): reports count it where it was answered. */
  requeued(callId: string, queue: string): Promise<void> {
    return this.enqueue(callId, 'the queue change', 'requeued', [callId, queue]);
  }

  /** The ACD took the call: the queue the rules chose and the call's place, for a restart that finds Redis empty. */
  routed(callId: string, queue: string, routing: { rule: string; priority: number; skills: Record<string, number>; enqueuedAt: number }): Promise<void> {
    return this.enqueue(callId, 'the routing', 'routed', [callId, queue, JSON.stringify(routing), new Date(routing.enqueuedAt).toISOString()]);
  }

  /** An agent's phone rings for the call; the first offer's time is kept (the screen-pop and the wait are measured from it). */
  offered(callId: string, agentId: string): Promise<void> {
    return this.enqueue(callId, 'the offer', 'offered', [callId, agentIdOf(agentId), at()]);
  }

  /** An agent transferred the call: who, their note for the next agent, and where to (the next pop shows it). */
  transferred(callId: string, transfer: { fromAgent: string; note: string; to: string; kind: 'blind' | 'consult' | 'attended' }): Promise<void> {
    return this.enqueue(callId, 'the transfer', 'transferred', [callId, JSON.stringify({ ...transfer, at: at() }), transfer.fromAgent]);
  }

  answered(callId: string, agentId: string): Promise<void> {
    return this.enqueue(callId, 'the answer', 'answered', [callId, agentIdOf(agentId), at()]);
  }

  recording(callId: string, name: string): Promise<void> {
    return this.enqueue(callId, 'the recording', 'recording', [callId, name]);
  }

  /** The call ended while Ringside was down: closed now, by what its record says (see WRITE_SQL.closeLost). */
  closeLost(callId: string): Promise<void> {
    return this.enqueue(callId, 'the end of a call lost while down', 'closeLost', [callId, at()]);
  }

  /** Closes the interaction once; a later close (a second event for the same end) changes nothing. */
  close(callId: string, outcome: InteractionOutcome, detail: string | null): Promise<void> {
    return this.enqueue(callId, 'the outcome', 'close', [callId, outcome, detail, at()]);
  }

  /** Resolves when the writes of this call made so far have landed (or waited in the outbox). */
  async settledFor(callId: string): Promise<void> {
    await this.chains.get(callId);
  }

  /** Resolves when every pending write has landed (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  pending(): number {
    return this.chains.size;
  }
}
