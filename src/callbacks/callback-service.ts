import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { AcdStore } from '../acd/acd-store.js';
import type { OutboundCalls } from '../acd/dispatcher.js';
import { directQueueOf } from '../acd/direct-queue.js';
import type { Assignment } from '../acd/types.js';
import type { Queryable } from '../db/queryable.js';
import type { Logger } from '../logging/logger.js';
import { resolveQueue } from '../routing/queue-defaults.js';
import type { QueueDefinition } from '../routing/schema.js';
import { customerZones, nextCallable, type CallingRules } from './calling-hours.js';
import type { CallbackDialer } from './callback-dialer.js';
import { CallbackStore, type AttemptResult, type Callback } from './callback-store.js';

const CALL_ID = /^callback-(\d{1,15})-(\d{1,3})$/;
export const callbackCallId = (id: number, attempt: number): string => `callback-${id}-${attempt}`;
export const isCallbackCallId = (callId: string): boolean => CALL_ID.test(callId);

/** A dialling attempt older than this with nothing live in the ACD was cut short (its node died). */
const DIAL_STALE_MS = 3 * 60_000;
/** A due time closer than this is dialled now rather than rescheduled. */
const DUE_SLACK_MS = 30_000;

interface DueJob {
  id: number;
  attempts: number;
}

export interface CallbackServiceOptions {
  db: Queryable;
  acd: AcdStore;
  /** Queue settings by name, from the live routing rules (undefined: the queue is gone). */
  queue: (name: string) => QueueDefinition | undefined;
  dialer: CallbackDialer;
  /** Looks for an agent for a stand-in now. */
  assignNow: (callId: string) => Promise<void>;
  releasePlaceholder: (callId: string) => Promise<void>;
  calling: CallingRules;
  redisUrl: string;
  keyPrefix: string;
  logger: Logger;
  reconcileEveryMs?: number;
}

/**
 * Callbacks from request to their end. PostgreSQL holds each callback's state; BullMQ delayed jobs wake it when
 * it is due (and a reconciler job, every 15 s on one node, re-creates whatever a lost job or a dead node left
 * behind); the ACD keeps its place in line with a stand-in call (owner '': any node may assign it), and the
 * node that assigns it dials. Each step is a conditional update, so a job run twice or a node dying half-way
 * never dials twice: the attempt's call id is claimed once (`startDialing`).
 */
export class CallbackService implements OutboundCalls {
  readonly store: CallbackStore;
  private readonly log: Logger;
  private connection: Redis | undefined;
  private queue: Queue<DueJob> | undefined;
  private worker: Worker<DueJob> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: CallbackServiceOptions) {
    this.store = new CallbackStore(options.db);
    this.log = options.logger.child({ component: 'callbacks' });
  }

  async start(): Promise<void> {
    // BullMQ wants no ioredis key prefix (it has its own) and a connection that waits out a Redis restart.
    this.connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.connection.on('error', () => undefined);
    const prefix = `${this.options.keyPrefix}bull`;
    this.queue = new Queue<DueJob>('callbacks', { connection: this.connection, prefix, defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } } });
    this.queue.on('error', (error) => this.log.warn({ err: error }, 'callback queue error'));
    this.worker = new Worker<DueJob>('callbacks', (job) => this.process(job), { connection: this.connection, prefix, concurrency: 8 });
    this.worker.on('error', (error) => this.log.warn({ err: error }, 'callback worker error'));
    this.worker.on('failed', (job, error) => this.log.warn({ err: error, jobId: job?.id }, 'callback job failed'));
    await this.queue.upsertJobScheduler('reconcile', { every: this.options.reconcileEveryMs ?? 15_000 }, { name: 'reconcile', data: { id: 0, attempts: 0 } });
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await Promise.allSettled([...this.inFlight]);
    await this.queue?.close();
    this.connection?.disconnect();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async process(job: Job<DueJob>): Promise<void> {
    if (job.name === 'reconcile') return this.reconcile();
    if (job.name === 'due') return this.due(job.data.id, job.data.attempts);
  }

  /** A BullMQ job that wakes the callback at its due time; the same (callback, attempt, time) is one job. */
  async schedule(callback: Pick<Callback, 'id' | 'attempts' | 'dueAt'>): Promise<void> {
    if (!this.queue) throw new Error('the callback service is not started');
    const delay = Math.max(0, callback.dueAt.getTime() - Date.now());
    await this.queue.add('due', { id: callback.id, attempts: callback.attempts }, { jobId: `due-${callback.id}-${callback.attempts}-${callback.dueAt.getTime()}`, delay });
  }

  /** A callback booked from the queue: due now, at the caller's place. */
  booked(id: number): void {
    void this.track(
      this.store
        .get(id)
        .then((callback) => (callback ? this.schedule(callback) : undefined))
        .catch((error: unknown) => this.log.error({ err: error, callbackId: id }, 'could not schedule a booked callback; the reconciler will')),
    );
  }

  private queueOf(callback: Callback): QueueDefinition {
    return this.options.queue(callback.queue) ?? resolveQueue({ name: callback.queue });
  }

  /** The queue the stand-in waits in: a follow-up for an agent waits in that agent's own queue. */
  private lineOf(callback: Callback): string {
    return callback.agentId !== null && callback.source === 'follow_up' ? directQueueOf(String(callback.agentId)) : callback.queue;
  }

  /** The due job: checks the number and the hours, then takes the callback's place in line. */
  async due(id: number, attempts: number): Promise<void> {
    const callback = await this.store.get(id);
    if (!callback || callback.status !== 'scheduled' || callback.attempts !== attempts) return;
    if (await this.store.doNotCall(callback.phoneE164, callback.customerId)) {
      await this.store.end(id, 'cancelled', 'do_not_call', ['scheduled']);
      this.log.info({ callbackId: id }, 'callback cancelled: the number must not be called');
      return;
    }
    const now = new Date();
    const zones = customerZones(callback.phoneE164, await this.store.customerZone(callback.customerId), this.options.calling.centerZone);
    const from = callback.windowStart && callback.windowStart > now ? callback.windowStart : now;
    const at = nextCallable(from, this.options.calling, zones, callback.windowEnd ?? undefined);
    if (!at) {
      await this.store.end(id, 'failed', callback.windowEnd ? 'no_calling_hours_in_window' : 'no_calling_hours', ['scheduled']);
      this.log.info({ callbackId: id }, 'callback failed: no time to call within the calling hours');
      return;
    }
    if (at.getTime() - now.getTime() > DUE_SLACK_MS) {
      const moved = await this.store.reschedule(id, attempts, at, 'waiting_for_calling_hours');
      if (moved) await this.schedule(moved);
      return;
    }
    await this.enterLine(callback);
  }

  /** Claims the attempt's call id and puts its stand-in in line at the original place; then looks for an agent. */
  private async enterLine(callback: Callback): Promise<void> {
    const callId = callbackCallId(callback.id, callback.attempts + 1);
    const queued = await this.store.markQueued(callback.id, callback.attempts, callId);
    if (!queued) return;
    await this.placeStandIn(queued, callId);
  }

  private async placeStandIn(callback: Callback, callId: string): Promise<void> {
    await this.options.acd
      .enqueueCall({ callId, queue: this.lineOf(callback), enqueuedAt: callback.queueEnteredAt.getTime(), owner: '' })
      .catch((error: unknown) => {
        // Already there (a repeated step): its place is kept.
        if (!(error instanceof Error && /already in the ACD/.test(error.message))) throw error;
      });
    this.log.info({ callbackId: callback.id, callId, queue: this.lineOf(callback) }, 'callback waiting for its turn');
    await this.options.assignNow(callId);
  }

  handles(callId: string): boolean {
    return isCallbackCallId(callId);
  }

  /** The ACD reserved an agent for a stand-in: dial this attempt. */
  async offered(assignment: Assignment): Promise<void> {
    const id = Number(CALL_ID.exec(assignment.callId)?.[1]);
    const callback = await this.store.get(id);
    if (!callback || callback.status !== 'queued' || callback.callId !== assignment.callId) {
      // Cancelled or ended meanwhile: the stand-in goes and the agent is free.
      await this.options.releasePlaceholder(assignment.callId);
      return;
    }
    if (await this.store.doNotCall(callback.phoneE164, callback.customerId)) {
      await this.store.end(id, 'cancelled', 'do_not_call', ['queued']);
      await this.options.releasePlaceholder(assignment.callId);
      this.log.info({ callbackId: id }, 'callback cancelled: the number must not be called');
      return;
    }
    const queue = this.queueOf(callback);
    let blocked = false;
    const outcome = await this.track(
      this.options.dialer.dial(
        callback,
        assignment,
        queue,
        async () => {
          // The last check before the number is dialled: a DNC entry added since the callback was queued wins.
          if (await this.store.doNotCall(callback.phoneE164, callback.customerId)) {
            blocked = true;
            await this.store.end(id, 'cancelled', 'do_not_call', ['queued']);
            return false;
          }
          return (await this.store.startDialing(id, assignment.callId)) !== null;
        },
        () => void this.store.completed(id, assignment.callId).catch((error: unknown) => this.log.error({ err: error, callbackId: id }, 'could not mark the callback completed')),
      ),
    );
    if (outcome.kind === 'not-reached' && !blocked) await this.attemptFailed(callback, assignment.callId, outcome.result, queue);
    this.log.info({ callbackId: id, callId: assignment.callId, outcome: outcome.kind, ...(outcome.kind === 'not-reached' ? { result: outcome.result } : {}) }, 'callback attempt');
  }

  /** Again after the queue's spacing, within the calling hours; failed after the last attempt. */
  private async attemptFailed(callback: Callback, callId: string, result: AttemptResult, queue: QueueDefinition): Promise<void> {
    const zones = customerZones(callback.phoneE164, await this.store.customerZone(callback.customerId), this.options.calling.centerZone);
    const retryAt = nextCallable(new Date(Date.now() + queue.callback.retryAfterSeconds * 1000), this.options.calling, zones, callback.windowEnd ?? undefined);
    const after = await this.store.attemptFailed(callback.id, callId, result, retryAt);
    if (after?.status === 'scheduled') await this.schedule(after);
  }

  /** Cancels an open callback (a person's decision); its stand-in leaves the line. */
  async cancel(id: number, by: string): Promise<Callback | null> {
    const ended = await this.store.end(id, 'cancelled', `cancelled by ${by}`);
    if (ended?.callId) await this.options.acd.removeCall(ended.callId).catch(() => null);
    return ended;
  }

  /**
   * What jobs and nodes may have left behind: a scheduled callback without its job, a queued one whose stand-in
   * is gone from Redis, a dialling attempt whose node died. Runs every 15 s on one node (a BullMQ job scheduler).
   */
  async reconcile(): Promise<void> {
    for (const callback of await this.store.open('scheduled')) {
      if (callback.dueAt.getTime() <= Date.now() + DUE_SLACK_MS) await this.due(callback.id, callback.attempts);
      else await this.schedule(callback);
    }
    for (const callback of await this.store.open('queued')) {
      if (!callback.callId) continue;
      const held = await this.options.acd.getCall(callback.callId);
      if (!held) await this.placeStandIn(callback, callback.callId);
      else if (held.state === 'waiting') await this.options.assignNow(callback.callId);
    }
    for (const callback of await this.store.open('dialing')) {
      if (!callback.callId || Date.now() - (callback.lastAttemptAt?.getTime() ?? 0) < DIAL_STALE_MS) continue;
      // Still somewhere in the ACD (waiting, ringing, talking): a live call, not a lost one.
      if ((await this.options.acd.getCall(callback.callId)) || (await this.talking(callback.callId))) continue;
      if (await this.answered(callback.callId)) await this.store.completed(callback.id, callback.callId);
      else await this.attemptFailed(callback, callback.callId, 'interrupted', this.queueOf(callback));
    }
  }

  private async talking(callId: string): Promise<boolean> {
    return (await this.options.acd.agentOnCall(callId)) !== null;
  }

  private async answered(callId: string): Promise<boolean> {
    const { rows } = await this.options.db.query<{ answered: boolean }>('SELECT answered_at IS NOT NULL AS answered FROM interactions WHERE call_id = $1', [callId]);
    return rows[0]?.answered ?? false;
  }
}
