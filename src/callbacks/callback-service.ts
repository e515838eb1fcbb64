import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { AcdStore } from '../acd/acd-store.js';
import type { OutboundCalls } from '../acd/dispatcher.js';
import { directQueueOf } from '../acd/direct-queue.js';
import type { Assignment } from '../acd/types.js';
import type { AgentStateEvent } from '../agents/agent-state.js';
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

/** A node working on an attempt renews its lease this often; a lease lapses after LEASE_MS without renewal. */
const LEASE_RENEW_MS = 3000;
const LEASE_MS = 10_000;
/** An offer no node works on is given up after the agent's phone could have rung out, and this much more. */
const OFFER_GRACE_MS = 10_000;
/** A campaign keeps at most this many contacts in line at once; the rest wait in PostgreSQL for their turn. */
export const CAMPAIGN_IN_LINE = 10;
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
  /** The ids of the channels up in this node's application. */
  liveChannels: () => Promise<Set<string>>;
  /** The agent's conversation ended while no node ran: hung up, wrap-up skipped, free for the next call. */
  endLostConversation: (agentId: string) => Promise<void>;
  /** An agent the ACD freed: publish the change and offer them a call. */
  agentFree: (agentId: string, event: AgentStateEvent) => Promise<void>;
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
  /** Attempts this node is working on (ringing, dialling, talking): their leases are renewed while they last. */
  private readonly leases = new Set<string>();
  private leaseTimer: NodeJS.Timeout | undefined;

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
    // The limiter spreads a burst (a campaign resumed, a backlog after an outage) instead of hitting the ACD at once.
    this.worker = new Worker<DueJob>('callbacks', (job) => this.process(job), { connection: this.connection, prefix, concurrency: 8, limiter: { max: 100, duration: 1000 } });
    this.worker.on('error', (error) => this.log.warn({ err: error }, 'callback worker error'));
    this.worker.on('failed', (job, error) => this.log.warn({ err: error, jobId: job?.id }, 'callback job failed'));
    this.leaseTimer = setInterval(() => void this.renewLeases(), LEASE_RENEW_MS);
    this.leaseTimer.unref();
    await this.scheduleReconciler();
  }

  /**
   * The reconciler's schedule lives in Redis: a Redis that lost its data (restarted empty) lost it too, with every
   * delayed job. Scheduling it again is all it takes: its first run re-creates the jobs and stand-ins from PostgreSQL.
   */
  async scheduleReconciler(): Promise<void> {
    await this.queue?.upsertJobScheduler('reconcile', { every: this.options.reconcileEveryMs ?? 15_000 }, { name: 'reconcile', data: { id: 0, attempts: 0 } });
  }

  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
    await this.worker?.close();
    await Promise.allSettled([...this.inFlight]);
    await this.queue?.close();
    this.connection?.disconnect();
  }

  private leaseKey(callId: string): string {
    return `${this.options.keyPrefix}callbacks:lease:${callId}`;
  }

  private async renewLeases(): Promise<void> {
    const connection = this.connection;
    if (!connection || this.leases.size === 0) return;
    const pipeline = connection.pipeline();
    for (const callId of this.leases) pipeline.set(this.leaseKey(callId), '1', 'PX', LEASE_MS);
    await pipeline.exec().catch((error: unknown) => this.log.warn({ err: error }, 'could not renew the callback leases'));
  }

  /** While `work` runs, every node can see that this one is on the attempt. */
  private async leased<T>(callId: string, work: () => Promise<T>): Promise<T> {
    this.leases.add(callId);
    await this.connection?.set(this.leaseKey(callId), '1', 'PX', LEASE_MS).catch(() => undefined);
    try {
      return await work();
    } finally {
      this.leases.delete(callId);
      await this.connection?.del(this.leaseKey(callId)).catch(() => undefined);
    }
  }

  private async leaseHeld(callId: string): Promise<boolean> {
    return this.leases.has(callId) || (await this.connection?.exists(this.leaseKey(callId))) === 1;
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
    // A campaign's contact waits (still scheduled) while the campaign is paused or has its share in line.
    if (callback.campaignId !== null && !(await this.campaignHasRoom(callback.campaignId))) return;
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

  private async campaignHasRoom(campaignId: number): Promise<boolean> {
    const { rows } = await this.options.db.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [campaignId]);
    if (rows[0]?.status !== 'running') return false;
    return (await this.store.campaignActive(campaignId)) < CAMPAIGN_IN_LINE;
  }

  /** Tops a running campaign's line up with its next contacts due, in list order. */
  async feedCampaign(campaignId: number): Promise<void> {
    const room = CAMPAIGN_IN_LINE - (await this.store.campaignActive(campaignId));
    if (room <= 0) return;
    for (const callback of await this.store.campaignDue(campaignId, room)) await this.due(callback.id, callback.attempts);
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
    const own = this.queueOf(callback);
    // A campaign dials progressively: the customer first, the reserved agent once they answer.
    const queue = callback.source === 'campaign' ? { ...own, callback: { ...own.callback, mode: 'customer_first' as const } } : own;
    let blocked = false;
    const outcome = await this.track(this.leased(assignment.callId, () =>
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
      )),
    );
    if (outcome.kind === 'not-reached' && !blocked) await this.attemptFailed(callback, assignment.callId, outcome.result, queue);
    if (callback.campaignId !== null) await this.feedCampaign(callback.campaignId);
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
   * is gone from Redis or whose offer no node works on, an attempt whose node died. Runs every 15 s on one node
   * (a BullMQ job scheduler). An attempt a node works on carries its lease and is left alone.
   */
  async reconcile(): Promise<void> {
    // Campaign contacts are fed in list order by reconcileCampaigns, a line's worth at a time.
    for (const callback of await this.store.open('scheduled', { campaigns: false })) {
      if (callback.dueAt.getTime() <= Date.now() + DUE_SLACK_MS) await this.due(callback.id, callback.attempts);
      else await this.schedule(callback);
    }
    await this.freeStrandedAgents();
    await this.reconcileCampaigns();
    for (const status of ['queued', 'dialing'] as const) {
      for (const callback of await this.store.open(status)) {
        if (callback.callId && !(await this.leaseHeld(callback.callId))) await this.recoverAttempt(callback, callback.callId);
      }
    }
  }

  /**
   * An agent on a callback's conversation that ended while no node ran (the customer hung up during a restart):
   * nobody will ever see that call end, so the agent is freed and the interaction closed here. A conversation a
   * node works on has its lease; one a restarted node took back has its channel up in that node's application.
   */
  private async freeStrandedAgents(): Promise<void> {
    const suspects: Array<{ agentId: string; callId: string }> = [];
    for (const agent of await this.options.acd.roster()) {
      if (agent.status === 'on_call' && agent.callId && isCallbackCallId(agent.callId) && !(await this.leaseHeld(agent.callId))) suspects.push({ agentId: agent.agentId, callId: agent.callId });
    }
    if (suspects.length === 0) return;
    // One listing of the application's channels for the round, and only when some agent needs it.
    const live = await this.options.liveChannels();
    for (const { agentId, callId } of suspects) {
      if (live.has(callId)) continue;
      this.log.warn({ callId, agentId }, 'a callback conversation ended while no node ran; its agent is freed');
      await this.options.db.query(
        "UPDATE interactions SET ended_at = now(), outcome = CASE WHEN answered_at IS NULL THEN 'failed' ELSE 'answered' END, outcome_detail = 'ended while no node ran', updated_at = now() WHERE call_id = $1 AND ended_at IS NULL",
        [callId],
      );
      await this.options.endLostConversation(agentId);
    }
  }

  /** Running campaigns are topped up; one with no open contact left is finished. */
  private async reconcileCampaigns(): Promise<void> {
    const { rows } = await this.options.db.query<{ id: number; open: boolean }>(
      `SELECT c.id::int, EXISTS (SELECT 1 FROM callbacks b WHERE b.campaign_id = c.id AND b.status IN ('scheduled', 'queued', 'dialing')) AS open
         FROM campaigns c WHERE c.status = 'running'`,
    );
    for (const campaign of rows) {
      if (campaign.open) await this.feedCampaign(campaign.id);
      else await this.options.db.query("UPDATE campaigns SET status = 'finished', updated_at = now() WHERE id = $1 AND status = 'running'", [campaign.id]);
    }
  }

  private async recoverAttempt(callback: Callback, callId: string): Promise<void> {
    const held = await this.options.acd.getCall(callId);
    if (!held) {
      if (callback.status === 'queued') return this.placeStandIn(callback, callId);
      // Talking (the customer recovered by a restarted node): its end closes the interaction, a later round completes it.
      if ((await this.options.acd.agentOnCall(callId)) !== null) return;
      if (await this.answered(callId)) await this.store.completed(callback.id, callId);
      else await this.attemptFailed(callback, callId, 'interrupted', this.queueOf(callback));
      return;
    }
    if (held.state === 'waiting') {
      // A stand-in waits for an agent; a recovered customer on the line (dialing) waits on the node that holds them.
      if (callback.status === 'queued') await this.options.assignNow(callId);
      return;
    }
    // Offered, and no node works on it: once the agent's phone would have rung out, the offer was lost with its node.
    const agent = held.agentId ? await this.options.acd.getAgent(held.agentId) : null;
    const ringMs = this.queueOf(callback).ringTimeoutSeconds * 1000;
    if (agent?.status === 'offered' && agent.since !== null && Date.now() - agent.since < ringMs + OFFER_GRACE_MS) return;
    this.log.warn({ callbackId: callback.id, callId, status: callback.status }, 'a callback offer no node works on: its agent is freed');
    if (callback.status === 'dialing') {
      // The customer may have been rung: this attempt counts, and the next one comes after the queue's spacing.
      await this.options.releasePlaceholder(callId);
      await this.attemptFailed(callback, callId, 'interrupted', this.queueOf(callback));
      return;
    }
    const back = await this.options.acd.requeueAtFront(callId, { agentsToBlame: false }).catch(() => null);
    for (const event of back?.events ?? []) await this.options.agentFree(event.agentId, event);
    await this.options.assignNow(callId);
  }

  private async answered(callId: string): Promise<boolean> {
    const { rows } = await this.options.db.query<{ answered: boolean }>('SELECT answered_at IS NOT NULL AS answered FROM interactions WHERE call_id = $1', [callId]);
    return rows[0]?.answered ?? false;
  }
}
