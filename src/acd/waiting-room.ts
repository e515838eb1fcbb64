import type { CountryCode } from 'libphonenumber-js/max';
import { CallEndedError, type CallSession } from '../calls/call-session.js';
import type { PromptHandle } from '../calls/telephony.js';
import type { Queryable } from '../db/queryable.js';
import type { InteractionOutcome, InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { Logger } from '../logging/logger.js';
import { stateAfter, type RoutingDecision } from '../routing/evaluate.js';
import type { QueueAction, QueueDefinition } from '../routing/schema.js';
import type { AcdStore } from './acd-store.js';
import type { HeldCall } from './types.js';
import type { AcdEvent, ExitReason } from './acd-events.js';
import { bookCallback, closeCall, confirmCallbackAndHangUp, offerCallback, sayCallbackFailed, takeVoicemail, withdrawCallback } from './queue-exits.js';
import type { StaffingView } from './staffing-view.js';
import { estimateWaitSeconds, nextAnnouncedWait, waitAnnouncement } from './wait-estimate.js';

/** What the waiting room keeps about one caller on this node. */
export interface WaitPlan {
  /** The queue the call is in now (its settings: limits, announcements, actions). */
  queue: QueueDefinition;
  /** The rule's decision, for its escalation ladder; null for a call whose rule is gone. */
  decision: RoutingDecision | null;
  /** Head start in seconds of virtual wait, as last set (routing, escalation, supervisor). */
  priority: number;
  stepsApplied: number;
  queues: string[];
  skills: Record<string, number>;
  lastAnnouncedAt: number | null;
  lastEstimate: number | undefined;
  callbackOffered: boolean;
  /** An announcement or a way out is under way: nothing else starts meanwhile. */
  busy: boolean;
  prompt?: PromptHandle | undefined;
}

export function newPlan(queue: QueueDefinition, decision: RoutingDecision | null, skills: Record<string, number>, priority = 0): WaitPlan {
  return { queue, decision, priority, stepsApplied: 0, queues: [queue.name], skills, lastAnnouncedAt: null, lastEstimate: undefined, callbackOffered: false, busy: false };
}

/** A customer Ringside called (a callback) waiting for their agent is no queue's caller: no announcements, limits or second offer. */
export function placedCallPlan(queue: QueueDefinition): WaitPlan {
  const plan = newPlan(
    {
      ...queue,
      announcements: { onEntry: false, everySeconds: 0, position: false, estimatedWait: false },
      whenNoAgents: { action: 'wait' },
      whenMaxWait: { action: 'wait' },
      maxWaitSeconds: 86400,
    },
    null,
    {},
  );
  plan.callbackOffered = true;
  return plan;
}

/**
 * The plan of a call taken back after a restart. From Redis, the ladder's steps already behind it were applied
 * (Redis holds their result); rebuilt from PostgreSQL (Redis had lost it) they were not, and apply again.
 */
export function recoveredPlan(
  queue: QueueDefinition,
  decision: RoutingDecision | null,
  held: Pick<HeldCall, 'queues' | 'skills' | 'enqueuedAt' | 'priority'>,
  { fromRedis = true } = {},
): WaitPlan {
  const plan = newPlan(queue, decision, held.skills, held.priority);
  plan.queues = held.queues;
  plan.stepsApplied = fromRedis ? (decision?.escalations.filter((step) => step.after <= (Date.now() - held.enqueuedAt) / 1000).length ?? 0) : 0;
  return plan;
}

/** A caller in the waiting room, as the dispatcher holds it. */
export interface Waiter {
  session: CallSession;
  enqueuedAt: number;
  offering: boolean;
  plan: WaitPlan;
  settle: (outcome: InteractionOutcome, detail: string) => void;
  /** A call Ringside placed (a callback): not counted in its queue's figures. */
  outbound?: boolean;
  /** Being offered when Redis lost the ACD's state: the ACD no longer knows the offer (see call-recovery.ts). */
  lostOffer?: boolean;
}

export interface WaitingRoomHost {
  store: AcdStore;
  staffing: StaffingView;
  recorder: InteractionRecorder;
  db: Queryable;
  region: CountryCode;
  logger: Logger;
  queueDefinition: (name: string) => QueueDefinition | undefined;
  emit: (event: AcdEvent) => void;
  /** Looks for an agent for the call now (after its queues or skills changed). */
  retry: (callId: string) => void;
  /** Takes the call out of the ACD for good; false when it is ringing an agent or already gone. */
  leave: (callId: string) => Promise<boolean>;
  /** A callback was booked: from now on the callbacks keep the caller's place and dial them. */
  callbackBooked?: (callbackId: number) => void;
}

/** Every caller is looked at once a second, a tenth of them every 100 ms: one long pass would stall the node. */
const SLICE_MS = 100;
const SLICES_PER_ROUND = 10;

/**
 * Everything a caller meets while waiting, on the node that owns the call:
 * position and wait announcements over the music, the rule's escalation
 * ladder over time, and the queue's limits (max wait, full, no agents).
 * One timer for all callers; Redis is only touched when something is due.
 */
export class WaitingRoom {
  private timer: NodeJS.Timeout | undefined;
  private cursor: Iterator<[string, Waiter]> | undefined;

  constructor(
    private readonly host: WaitingRoomHost,
    private readonly waiters: ReadonlyMap<string, Waiter>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), SLICE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** On entry: a full queue or one nobody staffs sends the call its way at once; otherwise the first announcement. */
  async entered(callId: string, waiter: Waiter, position: number): Promise<void> {
    const { queue } = waiter.plan;
    if (position > queue.maxLength) return this.act(callId, waiter, queue.whenFull, 'full');
    if (queue.whenNoAgents.action !== 'wait' && (await this.nobodyStaffed(waiter))) return this.act(callId, waiter, queue.whenNoAgents, 'no_agents');
    if (!waiter.offering && !waiter.plan.busy) await this.check(callId, waiter, Date.now());
  }

  /** Nobody logged in for the call, by the cached view confirmed by a fresh read (an agent may have just logged in). */
  private async nobodyStaffed(waiter: Waiter): Promise<boolean> {
    const { staffing } = this.host;
    const none = () => staffing.ready && staffing.loggedIn(waiter.plan.queues, waiter.plan.skills) === 0;
    if (!none()) return false;
    await staffing.refresh();
    return none();
  }

  /** Runs often over thousands of callers: decides synchronously, and only a caller with something due costs more. */
  private tick(): void {
    const now = Date.now();
    const slice = Math.ceil(this.waiters.size / SLICES_PER_ROUND);
    for (let done = 0; done < slice; done++) {
      this.cursor ??= this.waiters.entries();
      const next = this.cursor.next();
      if (next.done) {
        // A round is over; the next slice starts the following one.
        this.cursor = undefined;
        return;
      }
      const [callId, waiter] = next.value;
      if (waiter.offering || waiter.plan.busy || waiter.session.ended || !this.somethingDue(waiter, now)) continue;
      void this.check(callId, waiter, now).catch((error: unknown) => {
        waiter.plan.busy = false;
        // The caller hung up during an announcement or an offer: nothing failed.
        if (error instanceof CallEndedError || waiter.session.ended) return;
        waiter.session.log.warn({ err: error }, 'waiting-room step failed; the caller keeps waiting');
      });
    }
  }

  private somethingDue(waiter: Waiter, now: number): boolean {
    const { plan } = waiter;
    const waitedSeconds = (now - waiter.enqueuedAt) / 1000;
    if (waitedSeconds >= plan.queue.maxWaitSeconds) return true;
    const step = plan.decision?.escalations[plan.stepsApplied];
    if (step && step.after <= waitedSeconds) return true;
    if (this.callbackDue(plan, waitedSeconds)) return true;
    const { staffing } = this.host;
    if (plan.queue.whenNoAgents.action !== 'wait' && staffing.ready && staffing.loggedIn(plan.queues, plan.skills) === 0) return true;
    return this.announcementDue(waiter, now);
  }

  private announcementDue(waiter: Waiter, now: number): boolean {
    const { plan } = waiter;
    const { announcements } = plan.queue;
    if (!announcements.position && !announcements.estimatedWait) return false;
    if (plan.lastAnnouncedAt !== null) return announcements.everySeconds > 0 && now - plan.lastAnnouncedAt >= announcements.everySeconds * 1000;
    return announcements.onEntry || (announcements.everySeconds > 0 && now - waiter.enqueuedAt >= announcements.everySeconds * 1000);
  }

  private async check(callId: string, waiter: Waiter, now: number): Promise<void> {
    const { plan } = waiter;
    const waitedSeconds = (now - waiter.enqueuedAt) / 1000;
    if (waitedSeconds >= plan.queue.maxWaitSeconds) return this.act(callId, waiter, plan.queue.whenMaxWait, 'max_wait');
    const step = plan.decision?.escalations[plan.stepsApplied];
    if (plan.decision && step && step.after <= waitedSeconds) {
      plan.stepsApplied += 1;
      return this.escalate(callId, waiter, plan.decision, waitedSeconds);
    }
    if (plan.queue.whenNoAgents.action !== 'wait' && (await this.nobodyStaffed(waiter))) return this.act(callId, waiter, plan.queue.whenNoAgents, 'no_agents');
    if (this.callbackDue(plan, waitedSeconds)) return this.act(callId, waiter, { action: 'callback' }, 'escalation');
    if (this.announcementDue(waiter, now)) await this.announce(callId, waiter, now);
  }

  /** The queue's own callback offer: after a wait, or once the announced estimate is above its threshold. Once per call. */
  private callbackDue(plan: WaitPlan, waitedSeconds: number): boolean {
    if (plan.callbackOffered) return false;
    const { offerAfterSeconds, offerWhenEstimateAboveSeconds } = plan.queue.callback;
    if (offerAfterSeconds !== null && waitedSeconds >= offerAfterSeconds) return true;
    return offerWhenEstimateAboveSeconds !== null && plan.lastEstimate !== undefined && plan.lastEstimate > offerWhenEstimateAboveSeconds;
  }

  /** One step of the rule's ladder: relax a skill, add or change queue, offer a callback, or voicemail. */
  private async escalate(callId: string, waiter: Waiter, decision: RoutingDecision, waitedSeconds: number): Promise<void> {
    const { plan } = waiter;
    const step = decision.escalations[plan.stepsApplied - 1]!;
    if (step.action === 'callback') return this.act(callId, waiter, { action: 'callback' }, 'escalation');
    if (step.action === 'voicemail') return this.act(callId, waiter, { action: 'voicemail' }, 'escalation');
    const state = stateAfter(decision, waitedSeconds);
    await this.change(callId, waiter, state.queues, state.skills, 'escalation');
  }

  private async change(callId: string, waiter: Waiter, queues: QueueDefinition[], skills: Record<string, number>, by: 'escalation' | 'overflow'): Promise<void> {
    const { plan } = waiter;
    const names = queues.map((queue) => queue.name);
    const changed = await this.host.store.updateCall(callId, { queues: names, skills }).catch(() => null);
    if (!changed) return;
    if (names[0] !== plan.queue.name) void this.host.recorder.requeued(callId, names[0]!);
    plan.queue = queues[0]!;
    plan.queues = names;
    plan.skills = skills;
    waiter.session.log.info({ queues: names, skills, by }, 'waiting call changed');
    plan.priority = changed.priority;
    this.host.emit({ type: 'call.changed', callId, queue: changed.queue, queues: names, priority: changed.priority, skills, by, at: Date.now() });
    this.host.retry(callId);
  }

  /** Where a queue sends a call it cannot serve (max wait, full, nobody logged in) or its ladder says. */
  private async act(callId: string, waiter: Waiter, action: QueueAction, reason: ExitReason): Promise<void> {
    const { plan, session } = waiter;
    if (action.action === 'wait') return;
    if (action.action === 'overflow') {
      const target = this.host.queueDefinition(action.queue);
      if (!target || plan.queues[0] === target.name) return;
      return this.change(callId, waiter, [target], plan.skills, 'overflow');
    }
    if (action.action === 'callback' && plan.callbackOffered) return;
    plan.busy = true;
    try {
      await this.pauseMusic(waiter);
      if (action.action === 'callback') {
        plan.callbackOffered = true;
        const number = await offerCallback(
          session,
          this.host.region,
          () => this.waiters.get(callId) === waiter,
          (prompt) => (plan.prompt = prompt),
        );
        if (number === null || this.waiters.get(callId) !== waiter) return;
        // Booked before the caller leaves the line: if PostgreSQL cannot take it, they keep their place and are told.
        let id: number;
        try {
          id = await bookCallback(this.host.db, { callId, phoneE164: number, queue: plan.queue.name, enqueuedAt: waiter.enqueuedAt, maxAttempts: plan.queue.callback.attempts });
        } catch (error) {
          session.log.warn({ err: error }, 'the callback could not be booked; the caller keeps their place in line');
          await sayCallbackFailed(session).catch(() => undefined);
          return;
        }
        // If an agent was found meanwhile, the caller talks to them and the callback is withdrawn.
        if (!(await this.leaveFor(callId, waiter, 'callback', 'caller_choice'))) {
          await withdrawCallback(this.host.db, id).catch((error: unknown) => session.log.warn({ err: error, callbackId: id }, 'could not withdraw a callback the caller no longer needs'));
          return;
        }
        waiter.settle('callback', `callback:${id}`);
        this.host.callbackBooked?.(id);
        await confirmCallbackAndHangUp(session);
        return;
      }
      if (!(await this.leaveFor(callId, waiter, action.action, reason))) return;
      if (action.action === 'voicemail') await takeVoicemail(session, this.host.recorder, waiter.settle);
      else {
        waiter.settle('failed', `queue:${plan.queue.name}:${reason}`);
        await closeCall(session, action.prompts);
      }
    } finally {
      plan.busy = false;
      if (!session.ended) await this.resumeMusic(callId);
    }
  }

  private async leaveFor(callId: string, waiter: Waiter, to: 'voicemail' | 'callback' | 'hangup', reason: ExitReason): Promise<boolean> {
    if (!(await this.host.leave(callId))) return false;
    waiter.session.log.info({ to, reason }, 'the call leaves the queue');
    this.host.emit({ type: 'call.exited', callId, queue: waiter.plan.queue.name, to, reason, waitedMs: Date.now() - waiter.enqueuedAt, at: Date.now() });
    return true;
  }

  /** Position and estimated wait, over a pause in the music; each estimate is published and recorded. */
  private async announce(callId: string, waiter: Waiter, now: number): Promise<void> {
    const { plan, session } = waiter;
    const { announcements } = plan.queue;
    plan.lastAnnouncedAt = now;
    const position = await this.host.store.position(callId, plan.queue.name);
    if (position === null) return;
    const fresh = estimateWaitSeconds(position, this.host.staffing.working(plan.queues, plan.skills), this.host.staffing.handleSeconds(plan.queue.name));
    const estimate = fresh === null ? null : nextAnnouncedWait(plan.lastEstimate, fresh);
    if (estimate !== null) {
      plan.lastEstimate = estimate;
      this.host.emit({ type: 'call.estimate', callId, queue: plan.queue.name, position, estimateSeconds: estimate, at: now });
      void this.host.recorder.waitEstimate(callId, plan.queue.name, position, estimate);
    }
    const media = waitAnnouncement(announcements.position ? position : null, announcements.estimatedWait ? estimate : null);
    if (media.length === 0 || waiter.offering) return;
    plan.busy = true;
    try {
      await this.pauseMusic(waiter);
      plan.prompt = await session.telephony.play(session.channelId, media);
      await plan.prompt.finished;
    } finally {
      plan.prompt = undefined;
      plan.busy = false;
      // The interval runs from the end of the announcement: a long one must not be followed at once by the next.
      plan.lastAnnouncedAt = Date.now();
      await this.resumeMusic(callId);
    }
  }

  private async pauseMusic(waiter: Waiter): Promise<void> {
    await waiter.session.telephony.stopMusicOnHold(waiter.session.channelId).catch(() => undefined);
  }

  /** Back to the music, unless the caller has meanwhile been connected to an agent or left. */
  private async resumeMusic(callId: string): Promise<void> {
    const waiter = this.waiters.get(callId);
    if (waiter && !waiter.session.ended) await waiter.session.telephony.startMusicOnHold(callId).catch(() => undefined);
  }

  /** A supervisor's change: queue and/or priority, at once. */
  async supervisorChange(callId: string, waiter: Waiter, change: { queue?: QueueDefinition; priority?: number }): Promise<void> {
    const { plan } = waiter;
    const queues = change.queue ? [change.queue.name] : plan.queues;
    const changed = await this.host.store.updateCall(callId, { queues, ...(change.priority !== undefined ? { priority: change.priority } : {}) });
    if (change.queue) {
      if (change.queue.name !== plan.queue.name) void this.host.recorder.requeued(callId, change.queue.name);
      plan.queue = change.queue;
      plan.queues = queues;
      // The rule's ladder belonged to the old queue; a supervisor's move ends it.
      plan.decision = null;
    }
    plan.priority = changed.priority;
    this.host.emit({ type: 'call.changed', callId, queue: changed.queue, queues, priority: changed.priority, skills: plan.skills, by: 'supervisor', at: Date.now() });
    this.host.retry(callId);
  }
}
