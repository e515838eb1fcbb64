import type { RecoveryContext, RecoveryVerdict } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { LegFailure } from '../calls/telephony.js';
import type { InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { Logger } from '../logging/logger.js';
import type { AcdStore } from './acd-store.js';
import type { AgentStateEvent } from '../agents/agent-state.js';
import type { AcdEvent, AcdEventBus } from './acd-events.js';
import type { AgentProfile, Assignment } from './types.js';
import { CallRecovery } from './call-recovery.js';
import { OfferFlow } from './offer-flow.js';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Queryable } from '../db/queryable.js';
import type { RoutingDecision } from '../routing/evaluate.js';
import { resolveQueue } from '../routing/queue-defaults.js';
import { MAX_PRIORITY } from '../routing/schema.js';
import type { RulesCatalog } from '../routing/rules-catalog.js';
import type { QueueDefinition } from '../routing/schema.js';
import { StaffingView } from './staffing-view.js';
import { Conversations, type Talk, type TalkState, type TransferOrder } from './conversations.js';
import { Consultations } from './consultation.js';
import { directQueue, isDirectQueue } from './direct-queue.js';
import { WaitingRoom, newPlan, type Waiter, type WaitPlan } from './waiting-room.js';
import { notFound } from '../errors.js';
import type { OfferContext } from '../screenpop/pop-builder.js';

/** An agent as the dispatcher rings them. */
export interface AgentContact {
  agentId: string;
  displayName: string;
  endpoint: string;
}

/** A call waiting in the ACD that this node owns (its caller's channel is in this node's application). */
type WaitingCall = Waiter;

export interface DispatcherOptions {
  store: AcdStore;
  recorder: InteractionRecorder;
  agents: (agentId: string) => AgentContact | undefined;
  logger: Logger;
  /** How often waiting calls are matched again, in case an event was missed (a safety net only). */
  sweepMs?: number;
  events?: AcdEventBus;
  /** The live routing rules: queue settings and escalation ladders (recovered calls find their rule by name). */
  catalog?: () => RulesCatalog;
  /** Who is logged in for what (wait estimates, "no agents"); one is made from the store when absent. */
  staffing?: StaffingView;
  /** For callbacks booked from the queue. */
  db?: Queryable;
  region?: CountryCode;
  /** Wrap-up of an agent's recovered conversation. */
  wrapUpSeconds?: (agentId: string) => number;
  /** A conversation on this node was answered, held, resumed or ended (the agent's console follows). */
  talkChanged?: (talk: Talk, state: TalkState) => void;
  /** The agents' phones are about to ring for a call (the screen-pop goes out from here); must not throw. */
  offered?: (offer: OfferContext) => void;
  /** Calls Ringside places (callbacks): their stand-ins in the ACD have no caller yet; these run their offers. */
  outbound?: () => OutboundCalls | undefined;
  /** A caller booked a callback in the queue. */
  callbackBooked?: (callbackId: number) => void;
  /** An agent's skills and queues as a login gives them (to put a talking agent back after Redis lost them). */
  profileOf?: (agentId: string) => AgentProfile | undefined;
}

/** Runs the offers of ACD stand-ins for calls Ringside will place (a callback keeping its place in line). */
export interface OutboundCalls {
  handles(callId: string): boolean;
  /** The ACD reserved these agents for the stand-in; must settle every agent whatever happens. */
  offered(assignment: Assignment): Promise<void>;
}




/**
 * Connects waiting callers with agents: every event that can make a match (a
 * call queued, an agent freed, a missed offer) tries one at once through the
 * store's atomic scripts; the offer rings the agent's phone, bridges on answer,
 * puts the call back at its exact place on a miss, and runs the agent's wrap-up.
 */
export class AcdDispatcher {
  private readonly waiting = new Map<string, WaitingCall>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeps = 0;
  private stopping = false;
  private readonly log: Logger;

  private readonly staffing: StaffingView;
  private readonly room: WaitingRoom;
  private readonly conversations: Conversations;
  private readonly consultations: Consultations;
  private readonly recovery: CallRecovery;
  private readonly offers: OfferFlow;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.logger.child({ component: 'acd' });
    this.staffing = options.staffing ?? new StaffingView(options.store, () => options.catalog?.().queues().map((queue) => queue.name) ?? []);
    this.conversations = new Conversations({
      store: options.store,
      logger: this.log,
      agentChanged: (event) => this.agentChanged(event),
      offer: (assignment) => void this.offerSafely(assignment),
      stopping: () => this.stopping,
      transferred: (session, order, settle) => this.transferIn(session, order, settle),
      talkChanged: (talk, state) => options.talkChanged?.(talk, state),
      agentLeft: (talk) => this.consultations.agentLeft(talk),
      callerLeft: (talk) => this.consultations.callerLeft(talk),
      talkEnded: (talk, queue, talkMs, wrapUpSeconds) =>
        this.emit({ type: 'call.completed', callId: talk.session.channelId, queue, agentId: talk.agentId, talkMs, wrapUpSeconds, at: Date.now() }),
    });
    this.consultations = new Consultations({
      store: options.store,
      recorder: options.recorder,
      logger: this.log,
      conversations: this.conversations,
      agents: options.agents,
      agentChanged: (event) => this.agentChanged(event),
      agentFree: (agentId) => this.agentFree(agentId),
      ...(options.offered ? { offered: options.offered } : {}),
      stopping: () => this.stopping,
    });
    this.recovery = new CallRecovery({
      store: options.store,
      db: options.db,
      catalog: options.catalog,
      outbound: options.outbound,
      wrapUpSeconds: options.wrapUpSeconds,
      profileOf: options.profileOf,
      log: this.log,
      waiting: this.waiting,
      conversations: this.conversations,
      hold: (waiter) => this.hold(waiter),
      agentChanged: (event) => this.agentChanged(event),
      agentFree: (agentId) => this.agentFree(agentId),
      endLostConversation: (agentId) => this.endLostConversation(agentId),
      tryForCall: (callId) => this.tryForCall(callId),
      queueDefinition: (name) => this.queueDefinition(name),
      problem: (log, fields, message) => this.problem(log, fields, message),
    });
    this.offers = new OfferFlow({
      store: options.store,
      recorder: options.recorder,
      agents: options.agents,
      offered: options.offered,
      log: this.log,
      waiting: this.waiting,
      conversations: this.conversations,
      recovery: this.recovery,
      stopping: () => this.stopping,
      emit: (event) => this.emit(event),
      agentChanged: (event) => this.agentChanged(event),
      agentFree: (agentId) => this.agentFree(agentId),
      tryForCall: (callId) => this.tryForCall(callId),
      problem: (log, fields, message) => this.problem(log, fields, message),
    });
    this.room = new WaitingRoom(
      {
        store: options.store,
        staffing: this.staffing,
        recorder: options.recorder,
        db: options.db ?? { query: () => Promise.reject(new Error('no database for callbacks')) },
        region: options.region ?? 'US',
        logger: this.log,
        queueDefinition: (name) => options.catalog?.().queue(name),
        emit: (event) => this.emit(event),
        retry: (callId) => void this.tryForCall(callId),
        leave: (callId) => this.leave(callId),
        callbackBooked: (callbackId) => options.callbackBooked?.(callbackId),
      },
      this.waiting,
    );
  }

  /** A queue's settings from the live rules; defaults for a queue the rules no longer define. */
  private queueDefinition(name: string): QueueDefinition {
    if (isDirectQueue(name)) return directQueue(name);
    return this.options.catalog?.().queue(name) ?? resolveQueue({ name });
  }

  /** The console's call controls, for a conversation held by this node. */
  talkOf(agentId: string): Talk | undefined {
    return this.conversations.talkOf(agentId);
  }

  holdCall(agentId: string): Promise<Talk> {
    return this.conversations.hold(agentId);
  }

  resumeCall(agentId: string): Promise<Talk> {
    return this.conversations.resume(agentId);
  }

  /** The agent's own call, or the consult leg of a colleague who called them. */
  async hangUpCall(agentId: string): Promise<void> {
    if (await this.consultations.colleagueHangUp(agentId)) return;
    await this.conversations.hangUp(agentId);
  }

  /** The agent is a colleague being consulted about a call on this node. */
  isConsulted(agentId: string): boolean {
    return this.consultations.isColleague(agentId);
  }

  consult(agentId: string, target: { agentId: string; note: string }): Promise<Talk> {
    return this.consultations.start(agentId, target);
  }

  completeConsult(agentId: string): Promise<void> {
    return this.consultations.complete(agentId);
  }

  cancelConsult(agentId: string): Promise<void> {
    return this.consultations.cancel(agentId);
  }

  transferCall(agentId: string, order: TransferOrder): Promise<void> {
    return this.conversations.transfer(agentId, order);
  }

  /**
   * A caller the agent transferred joins the chosen queue. They keep their place as of their arrival: a
   * head start of the time since they called (capped as any priority), so a transfer never sends anyone
   * to the back of the line. The note travels on the interaction to the next agent's pop.
   */
  private async transferIn(session: CallSession, order: TransferOrder, settle: WaitingCall['settle'] | undefined): Promise<void> {
    const queue = isDirectQueue(order.queue) ? directQueue(order.queue, order.fallbackQueue) : this.queueDefinition(order.queue);
    const priority = Math.min(MAX_PRIORITY, Math.round((Date.now() - session.call.arrivedAt.getTime()) / 1000));
    await this.options.recorder.transferred(session.channelId, { fromAgent: order.fromAgent, note: order.note, to: queue.name, kind: 'blind' });
    const finish = settle ?? (() => undefined);
    finish('abandoned', `queue:${queue.name}`);
    await session.telephony.startMusicOnHold(session.channelId).catch(() => undefined);
    const decision: RoutingDecision = { rule: 'transfer', queue, priority, skills: {}, escalations: [] };
    await this.enqueue(session, { decision, priority, skills: {}, requestedQueue: queue.name }, finish);
    session.log.info({ queue: queue.name, fromAgent: order.fromAgent }, 'caller transferred');
  }


  /** Takes a waiting call out of the ACD for good (voicemail, callback, closed); false if it is ringing an agent or gone. */
  private async leave(callId: string): Promise<boolean> {
    const call = this.waiting.get(callId);
    if (!call || call.offering) return false;
    const held = await this.options.store.getCall(callId);
    if (held?.state !== 'waiting') return false;
    // Out of the node's hands before it leaves Redis: nothing may see it gone from Redis but still held here, and put it back.
    this.waiting.delete(callId);
    await this.options.store.removeCall(callId).catch((error: unknown) => {
      this.waiting.set(callId, call);
      throw error;
    });
    return true;
  }

  /**
   * A supervisor changes a waiting call's priority or queue. Takes effect at once: on the node that owns the
   * call its waiting room follows; from any other node Redis changes and the next assignment sees it.
   */
  async changeCall(callId: string, change: { queue?: string; priority?: number }): Promise<void> {
    const queue = change.queue === undefined ? undefined : this.options.catalog?.().queue(change.queue);
    if (change.queue !== undefined && !queue) throw notFound(`queue ${change.queue}`);
    const local = this.waiting.get(callId);
    if (local) {
      await this.room.supervisorChange(callId, local, { ...(queue ? { queue } : {}), ...(change.priority !== undefined ? { priority: change.priority } : {}) });
      return;
    }
    const changed = await this.options.store.updateCall(callId, { ...(queue ? { queues: [queue.name] } : {}), ...(change.priority !== undefined ? { priority: change.priority } : {}) });
    const held = await this.options.store.getCall(callId);
    this.emit({ type: 'call.changed', callId, queue: changed.queue, queues: changed.queues, priority: changed.priority, skills: held?.skills ?? {}, by: 'supervisor', at: Date.now() });
    // Another node's caller: the script hands any offer to that node's inbox.
    const assignment = await this.options.store.assignForCall(callId);
    if (assignment) await this.offerSafely(assignment);
  }

  /** Failures while this node stops are expected (its connections close under in-flight work): not errors then. */
  private problem(log: Logger, fields: Record<string, unknown>, message: string): void {
    if (this.stopping) log.debug(fields, message);
    else log.error(fields, message);
  }

  private emit(event: AcdEvent): void {
    this.options.events?.publish(event);
  }

  /** Publishes an agent's state change; the store's scripts answer each accepted transition with one. */
  agentChanged(event: AgentStateEvent | undefined): void {
    if (event) this.emit({ type: 'agent.state', ...event });
  }

  start(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepMs ?? 2000);
    this.sweepTimer.unref();
    if (!this.options.staffing) this.staffing.start((error) => this.log.warn({ err: error }, 'could not read who is staffed'));
    this.room.start();
  }

  stop(): void {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    this.room.stop();
    if (!this.options.staffing) this.staffing.stop();
    this.conversations.stop();
  }

  /** Calls waiting or being offered on this node, and pending wrap-up timers (for leak checks). */
  trackedCount(): number {
    return this.waiting.size + this.conversations.pendingWrapUps();
  }

  /** Puts a caller in the queue (as the routing rules decided) and looks for an agent at once. */
  async enqueue(
    session: CallSession,
    request: { decision: RoutingDecision; priority: number; skills: Record<string, number>; requestedQueue?: string },
    settle: WaitingCall['settle'],
  ): Promise<number> {
    const callId = session.channelId;
    const { decision } = request;
    const queue = decision.queue.name;
    const enqueuedAt = Date.now();
    const { position } = await this.options.store.enqueueCall({ callId, queue, skills: request.skills, priority: request.priority, rule: decision.rule, enqueuedAt });
    const waiter = this.hold({ session, enqueuedAt, settle, offering: false, plan: newPlan(decision.queue, decision, request.skills, request.priority) });
    // The queue the rules chose (the IVR recorded the one it asked for) and the call's place: a restart with an empty Redis finds it there.
    void this.options.recorder.routed(callId, queue, { rule: decision.rule, priority: request.priority, skills: request.skills, enqueuedAt });
    this.emit({ type: 'call.queued', callId, queue, position, priority: request.priority, rule: decision.rule, at: Date.now() });
    // Not awaited: the conversation that may follow belongs to the call, not to the queue step.
    void this.tryForCall(callId).then(() => this.room.entered(callId, waiter, position)).catch((error: unknown) => this.problem(session.log, { err: error }, 'could not settle the call in its queue'));
    return position;
  }

  /** This node now holds the caller: it waits here until answered, and its hang-up is noticed at once. */
  private hold(waiter: WaitingCall): WaitingCall {
    const callId = waiter.session.channelId;
    this.waiting.set(callId, waiter);
    // A caller who hung up while the IVR was handing them over is gone already: no abort event will come again.
    if (waiter.session.signal.aborted) void this.callerLeft(callId);
    else waiter.session.signal.addEventListener('abort', () => void this.callerLeft(callId), { once: true });
    return waiter;
  }

  /** The agent comes back from a pause: available and offered their next call in one step. */
  async agentResumed(agentId: string): Promise<AgentStateEvent> {
    const { event, assignment } = await this.options.store.freeAgent(agentId, 'resume');
    this.agentChanged(event);
    if (assignment) void this.offerSafely(assignment);
    return event;
  }

  /** An agent became available (login, end of pause or wrap-up): give them the longest-waiting call they can take. */
  async agentFree(agentId: string): Promise<void> {
    const assignment = await this.options.store.assignForAgent(agentId).catch((error: unknown) => {
      this.problem(this.log, { err: error, agentId }, 'could not look for a call for an agent');
      return null;
    });
    // Not awaited: the phone rings for seconds, and whoever freed the agent (an API request, a timer) need not wait.
    if (assignment) void this.offerSafely(assignment);
  }

  private async tryForCall(callId: string): Promise<void> {
    const call = this.waiting.get(callId);
    if (!call || call.offering || call.session.ended) return;
    const assignment = await this.options.store.assignForCall(callId).catch((error: unknown) => {
      this.problem(call.session.log, { err: error }, 'could not look for an agent');
      return null;
    });
    if (assignment) await this.offerSafely(assignment);
  }

  /**
   * The safety net walks the available agents of the queues that have callers
   * waiting (usually none while calls wait), not every waiting call: with
   * thousands waiting, one script per call every sweep would be the hot path.
   */
  private async sweep(): Promise<void> {
    // Wrap-ups orphaned by a dead node are rare: looked for every 15th sweep (about every 30 s).
    if (++this.sweeps % 15 === 0) {
      await this.conversations.endOverdue(await this.options.store.roster().catch(() => []));
      await this.recovery.putBackMissing().catch((error: unknown) => this.log.warn({ err: error }, 'could not check this node\'s callers in Redis'));
    }
    const queues = new Set<string>();
    for (const call of this.waiting.values()) if (!call.offering) for (const queue of call.plan.queues) queues.add(queue);
    if (queues.size === 0) return;
    const available = await this.options.store.availableAgentsOf([...queues]).catch(() => new Map<string, string[]>());
    for (const agentId of new Set([...available.values()].flat())) await this.agentFree(agentId);
  }

  /** The error boundary of an offer: whatever fails, the caller is not left waiting in silence with a ringing agent. */
  private async offerSafely(assignment: Assignment): Promise<void> {
    const outbound = this.options.outbound?.();
    if (!assignment.remote && outbound?.handles(assignment.callId) && !this.waiting.has(assignment.callId)) {
      for (const event of assignment.events) this.agentChanged(event);
      await outbound.offered(assignment).catch(async (error: unknown) => {
        this.problem(this.log, { err: error, callId: assignment.callId }, 'placing a call failed; its agents are free again');
        await this.releasePlaceholder(assignment.callId);
      });
      return;
    }
    if (assignment.remote) {
      // The owner of the caller's channel rings the agents (its inbox); this node only reports the decision.
      for (const event of assignment.events) this.agentChanged(event);
      return;
    }
    try {
      await this.offers.ring(assignment);
    } catch (error) {
      const call = this.waiting.get(assignment.callId);
      this.problem(this.log, { err: error, callId: assignment.callId, agentId: assignment.agentId }, 'offer failed; ending the call cleanly');
      if (call && !call.session.ended && !this.stopping) await call.session.telephony.hangup(call.session.channelId, 'congestion').catch(() => undefined);
    }
  }

  /**
   * An offer another node decided for one of this node's callers (from the inbox). It is rung only if the
   * call is still offered to those agents; a call not yet taken back after a restart gets a moment first.
   */
  async executeRemote(assignment: Assignment): Promise<void> {
    for (let attempt = 0; attempt < 10 && !this.waiting.has(assignment.callId) && !this.stopping; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const held = await this.options.store.getCall(assignment.callId);
    // A stale offer (the call was put back and offered anew meanwhile, e.g. by a standby's recovery) is dropped.
    if (held?.state !== 'offered' || held.offerId !== assignment.offerId || this.waiting.get(assignment.callId)?.offering) return;
    await this.offerSafely({ ...assignment, remote: false });
  }

  /** After a restart: takes back a call found in this node's application (see CallRecovery). */
  recover(session: CallSession, context: RecoveryContext, settle: WaitingCall['settle']): Promise<RecoveryVerdict> {
    return this.recovery.recover(session, context, settle);
  }

  /** A call this node held ended while it was down: its place in line and its agent are let go. */
  lost(callId: string): Promise<void> {
    return this.recovery.lost(callId);
  }

  /** Redis lost the ACD's state (NodeDuties noticed): what this node holds goes back in. */
  rebuildLostState(): Promise<void> {
    return this.recovery.rebuildLostState();
  }

  /**
   * Looks for an agent for a stand-in this node does not hold as a caller (a callback waiting for its turn).
   * Resolves once the assignment is decided; the dialling that follows runs on (it lasts the whole call).
   */
  async assignNow(callId: string): Promise<void> {
    const assignment = await this.options.store.assignForCall(callId).catch((error: unknown) => {
      this.problem(this.log, { err: error, callId }, 'could not look for an agent');
      return null;
    });
    if (assignment) void this.offerSafely(assignment);
  }

  /** A stand-in's attempt ended without a conversation: it leaves the ACD and its agents are free again. */
  async releasePlaceholder(callId: string): Promise<void> {
    const removed = await this.options.store.removeCall(callId).catch(() => null);
    if (removed?.state !== 'offered') return;
    for (const event of removed.events ?? []) this.agentChanged(event);
    await Promise.all(removed.agents.map((agentId) => this.agentFree(agentId)));
  }

  /** The reserved agent did not answer for a stand-in: it goes back to its place, the agent is paused "missed". */
  async placeholderMissed(assignment: Assignment, reason: LegFailure): Promise<void> {
    for (const agentId of assignment.agents) this.emit({ type: 'call.missed', callId: assignment.callId, queue: '', agentId, reason, at: Date.now() });
    const requeued = await this.options.store.requeueAtFront(assignment.callId).catch(() => null);
    for (const event of requeued?.events ?? []) this.agentChanged(event);
    await this.assignNow(assignment.callId);
  }

  /**
   * A call Ringside placed is up (the customer answered): from here it is a caller like any other, held by this
   * node, its agents still reserved by `assignment`. With `answeredLeg` (agent first) the two are bridged at once;
   * otherwise the reserved agent's phone rings now.
   */
  async takeOutbound(session: CallSession, assignment: Assignment, plan: WaitPlan, settle: WaitingCall['settle'], answeredLeg?: { legId: string; hungUp: Promise<unknown> }): Promise<void> {
    const call = this.hold({ session, enqueuedAt: Date.now(), settle, offering: true, plan, outbound: true });
    if (answeredLeg) {
      await this.offers.connect(assignment, call, answeredLeg.legId, answeredLeg.hungUp);
      return;
    }
    call.offering = false;
    await this.offerSafely({ ...assignment, events: [] });
  }

  /**
   * An agent's conversation ended where no node saw it (its node was down): the end of a call as usual — wrap-up
   * over at once, available, offered the next call. Nothing happens if the agent is not on a call any more.
   */
  async endLostConversation(agentId: string): Promise<void> {
    const hungUp = await this.options.store.agentHungUp(agentId, Date.now()).catch(() => undefined);
    this.agentChanged(hungUp);
    if (hungUp) await this.endWrapUp(agentId).catch(() => undefined);
  }

  /** The agent ends their wrap-up before its time: available at once, and offered the next call. */
  endWrapUp(agentId: string): Promise<AgentStateEvent> {
    return this.conversations.finish(agentId);
  }

  /** The caller hung up while waiting or while an agent's phone rang. */
  private async callerLeft(callId: string): Promise<void> {
    // A stopping node closes its sessions without the callers going anywhere: they stay queued in Redis.
    if (this.stopping) return;
    const call = this.waiting.get(callId);
    if (!call) return;
    this.waiting.delete(callId);
    const removed = await this.options.store.removeCall(callId).catch(() => null);
    if (!removed) return;
    const waitedMs = Date.now() - call.enqueuedAt;
    if (removed.state === 'offered') {
      call.settle('abandoned', `offered:${removed.agentId}`);
      this.emit({ type: 'call.abandoned', callId, queue: removed.queue, stage: 'offered', waitedMs, at: Date.now() });
      for (const event of removed.events ?? []) this.agentChanged(event);
      await Promise.all(removed.agents.map((agentId) => this.agentFree(agentId)));
    } else {
      call.settle('abandoned', `queue:${removed.queue}`);
      this.emit({ type: 'call.abandoned', callId, queue: removed.queue, stage: 'queue', waitedMs, at: Date.now() });
    }
  }
}
