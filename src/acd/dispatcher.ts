import type { RecoveryContext } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { CallEvent, LegFailure } from '../calls/telephony.js';
import type { InteractionRecorder, InteractionOutcome } from '../interactions/interaction-recorder.js';
import type { Logger } from '../logging/logger.js';
import type { AcdStore } from './acd-store.js';
import type { AgentStateEvent } from '../agents/agent-state.js';
import type { AcdEvent, AcdEventBus } from './acd-events.js';
import type { Assignment } from './types.js';
import { AGENT_LEG_PREFIX, hangUpLegs, ringAgents } from './ring-agents.js';

/** An agent as the dispatcher rings them. */
export interface AgentContact {
  agentId: string;
  displayName: string;
  endpoint: string;
}

/** A call waiting in the ACD that this node owns (its caller's channel is in this node's application). */
interface WaitingCall {
  session: CallSession;
  queue: string;
  enqueuedAt: number;
  ringTimeoutSeconds: number;
  wrapUpSeconds: number;
  /** Where the call's outcome goes when it ends. */
  settle: (outcome: InteractionOutcome, detail: string) => void;
  offering: boolean;
}

export interface DispatcherOptions {
  store: AcdStore;
  recorder: InteractionRecorder;
  agents: (agentId: string) => AgentContact | undefined;
  logger: Logger;
  /** How often waiting calls are matched again, in case an event was missed (a safety net only). */
  sweepMs?: number;
  events?: AcdEventBus;
  /** Every agent id the ACD knows (to find who a recovered conversation belongs to). */
  agentIds?: () => string[];
  /** Ring timeout and wrap-up of a queue (for recovered calls). */
  queueSettings?: (queue: string) => { ringTimeoutSeconds: number; wrapUpSeconds: number };
  /** Wrap-up of an agent's recovered conversation. */
  wrapUpSeconds?: (agentId: string) => number;
}

const DEFAULT_WRAP_UP_SECONDS = 30;
/** After a ring-all round nobody answered, the phones ring again after this pause (app_queue's `retry`). */
const RING_ALL_RETRY_MS = 2000;

const legGoneOf = (legId: string) => (event: CallEvent): event is Extract<CallEvent, { type: 'hung-up' }> =>
  event.type === 'hung-up' && event.channelId === legId;

/**
 * Connects waiting callers with agents: every event that can make a match (a
 * call queued, an agent freed, a missed offer) tries one at once through the
 * store's atomic scripts; the offer rings the agent's phone, bridges on answer,
 * puts the call back at its exact place on a miss, and runs the agent's wrap-up.
 */
export class AcdDispatcher {
  private readonly waiting = new Map<string, WaitingCall>();
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly log: Logger;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.logger.child({ component: 'acd' });
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
  }

  stop(): void {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    for (const timer of this.wrapUps.values()) clearTimeout(timer);
    this.wrapUps.clear();
  }

  /** Calls waiting or being offered on this node, and pending wrap-up timers (for leak checks). */
  trackedCount(): number {
    return this.waiting.size + this.wrapUps.size;
  }

  /** Puts a caller in the queue and looks for an agent at once. */
  async enqueue(
    session: CallSession,
    request: { queue: string; priority: number; skills: Record<string, number>; ringTimeoutSeconds: number; wrapUpSeconds: number; rule: string },
    settle: WaitingCall['settle'],
  ): Promise<number> {
    const callId = session.channelId;
    const { position } = await this.options.store.enqueueCall({ callId, queue: request.queue, skills: request.skills, priority: request.priority });
    this.waiting.set(callId, {
      session,
      queue: request.queue,
      enqueuedAt: Date.now(),
      ringTimeoutSeconds: request.ringTimeoutSeconds,
      wrapUpSeconds: request.wrapUpSeconds,
      settle,
      offering: false,
    });
    this.emit({ type: 'call.queued', callId, queue: request.queue, position, priority: request.priority, rule: request.rule, at: Date.now() });
    session.signal.addEventListener('abort', () => void this.callerLeft(callId), { once: true });
    // Not awaited: the conversation that may follow belongs to the call, not to the queue step.
    void this.tryForCall(callId);
    return position;
  }

  /** An agent became available (login, end of pause or wrap-up): give them the longest-waiting call they can take. */
  async agentFree(agentId: string): Promise<void> {
    const assignment = await this.options.store.assignForAgent(agentId).catch((error: unknown) => {
      this.problem(this.log, { err: error, agentId }, 'could not look for a call for an agent');
      return null;
    });
    if (assignment) await this.offerSafely(assignment);
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
    const queues = new Set([...this.waiting.values()].filter((call) => !call.offering).map((call) => call.queue));
    for (const queue of queues) {
      const available = await this.options.store.availableAgents(queue).catch(() => []);
      for (const agentId of available) await this.agentFree(agentId);
    }
  }

  /** The error boundary of an offer: whatever fails, the caller is not left waiting in silence with a ringing agent. */
  private async offerSafely(assignment: Assignment): Promise<void> {
    if (assignment.remote) {
      // The owner of the caller's channel rings the agents (its inbox); this node only reports the decision.
      for (const event of assignment.events) this.agentChanged(event);
      return;
    }
    try {
      await this.offer(assignment);
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
    if (held?.state !== 'offered' || held.agentId !== assignment.agentId) return;
    await this.offerSafely({ ...assignment, remote: false });
  }

  private async offer(assignment: Assignment): Promise<void> {
    const call = this.waiting.get(assignment.callId);
    if (!call) {
      // A caller that just left, or one no node here holds: back to its place (the agents are not to blame).
      this.log.warn({ callId: assignment.callId, agentId: assignment.agentId }, 'assigned a call this node does not hold; putting it back');
      await this.options.store.requeueAtFront(assignment.callId).catch(() => undefined);
      return;
    }
    const { session } = call;
    const contacts = assignment.agents.map((agentId) => this.options.agents(agentId));
    const reachable = contacts.filter((contact): contact is AgentContact => contact !== undefined);
    call.offering = true;
    for (const event of assignment.events) this.agentChanged(event);
    for (const agentId of assignment.agents) this.emit({ type: 'call.offered', callId: assignment.callId, queue: call.queue, agentId, at: Date.now() });
    // Known at once: the call may end before any later step runs.
    call.settle('abandoned', `offered:${assignment.agentId}`);
    if (reachable.length === 0) {
      this.problem(session.log, { agentId: assignment.agentId }, 'assigned agent has no phone; putting the call back');
      await this.missed(assignment, call, 'unreachable');
      return;
    }
    void this.options.recorder.offered(session.channelId, assignment.agentId);
    session.log.info({ agents: reachable.map((agent) => agent.agentId) }, reachable.length > 1 ? 'ringing every free agent (ring-all)' : 'offering the call to an agent');
    const ringAll = assignment.agents.length > 1;
    const result = await ringAgents(session, reachable, call.ringTimeoutSeconds, (agentId) => {
      // Ring-all: a leg that ends without winning frees its agent at once.
      if (ringAll) void this.options.store.withdrawOffer(agentId, assignment.callId).then((event) => this.agentChanged(event ?? undefined));
    });
    if (result.kind === 'caller-left') {
      // callerLeft() frees the agents. A stopping node leaves the phones to the next one.
      if (!this.stopping) await hangUpLegs(session, result.ringing);
      return;
    }
    if (result.kind === 'unanswered') {
      await this.missed(assignment, call, result.reason);
      return;
    }
    await this.connect({ ...assignment, agentId: result.leg.agentId }, call, result.leg.legId);
  }

  /**
   * No answer, busy, rejected: the call goes back to its exact place. One agent rung is paused "missed";
   * agents rung together (ring-all) are available again, and the call waits a moment before ringing them again.
   */
  private async missed(assignment: Assignment, call: WaitingCall, reason: LegFailure): Promise<void> {
    call.offering = false;
    call.settle('abandoned', `queue:${call.queue}`);
    call.session.log.info({ agents: assignment.agents, reason }, 'the call was not answered; back to its place in the queue');
    for (const agentId of assignment.agents) this.emit({ type: 'call.missed', callId: assignment.callId, queue: call.queue, agentId, reason, at: Date.now() });
    const requeued = await this.options.store.requeueAtFront(assignment.callId).catch((error: unknown) => {
      this.problem(call.session.log, { err: error }, 'could not requeue the call');
      return null;
    });
    for (const event of requeued?.events ?? []) this.agentChanged(event);
    if (assignment.agents.length > 1) {
      const retry = setTimeout(() => void this.tryForCall(assignment.callId), RING_ALL_RETRY_MS);
      retry.unref();
      return;
    }
    await this.tryForCall(assignment.callId);
  }

  private async connect(assignment: Assignment, call: WaitingCall, legId: string): Promise<void> {
    const { session } = call;
    const { telephony } = session;
    this.agentChanged(await this.options.store.agentAnswered(assignment.agentId));
    this.waiting.delete(session.channelId);
    this.emit({ type: 'call.answered', callId: session.channelId, queue: call.queue, agentId: assignment.agentId, waitedMs: Date.now() - call.enqueuedAt, at: Date.now() });
    call.settle('answered', `agent:${assignment.agentId}`);
    void this.options.recorder.answered(session.channelId, assignment.agentId);
    await telephony.stopMusicOnHold(session.channelId).catch(() => undefined);
    const { bridgeId } = await telephony.createBridge();
    await telephony.addToBridge(bridgeId, [session.channelId, legId]);
    session.log.info({ agentId: assignment.agentId, bridgeId }, 'agent answered; caller and agent connected');
    await this.converse(session, legId, bridgeId, assignment.agentId, call.wrapUpSeconds);
  }

  /** Caller and agent talk; whoever hangs up first ends the call for both; then the agent's wrap-up. */
  private async converse(session: CallSession, legId: string, bridgeId: string, agentId: string, wrapUpSeconds: number): Promise<void> {
    const { telephony } = session;
    const agentGone = session.waitFor(legGoneOf(legId)).then(
      async () => {
        await telephony.hangup(session.channelId).catch(() => undefined);
      },
      async () => {
        // The session closed: the caller hung up — or this node is stopping and the conversation goes on without it.
        if (!this.stopping) await telephony.hangup(legId).catch(() => undefined);
      },
    );
    await agentGone;
    if (this.stopping) return;
    await telephony.destroyBridge(bridgeId).catch(() => undefined);
    session.releaseLeg(legId);
    await this.wrapUp(agentId, wrapUpSeconds);
  }

  /**
   * After a restart: takes back a call the ACD held, from Redis. A call in
   * conversation keeps talking (its agent found by the call they are on); a
   * waiting call keeps its place; one that was ringing an agent goes back to
   * its place (that agent paused "missed"). Agent legs are adopted with their call.
   */
  async recover(session: CallSession, context: RecoveryContext, settle: WaitingCall['settle']): Promise<'adopted' | 'leg' | 'fallback'> {
    const { bridgePeers } = context;
    const callId = session.channelId;
    if (callId.startsWith(AGENT_LEG_PREFIX)) return 'leg';
    const { store } = this.options;
    const peer = bridgePeers[0];
    if (peer) {
      const agentId = await this.agentOnCall(callId);
      if (!agentId) return 'fallback';
      session.adoptLeg(peer);
      settle('answered', `agent:${agentId}`);
      session.log.info({ agentId }, 'conversation recovered after a restart');
      void this.converse(session, peer, context.bridgeId ?? '', agentId, this.options.wrapUpSeconds?.(agentId) ?? DEFAULT_WRAP_UP_SECONDS).catch((error: unknown) =>
        this.problem(session.log, { err: error }, 'recovered conversation failed'),
      );
      return 'adopted';
    }
    const held = await store.getCall(callId);
    if (!held) return 'fallback';
    if (held.state === 'offered') this.agentChanged((await store.requeueAtFront(callId)).event);
    const settings = this.options.queueSettings?.(held.queue) ?? { ringTimeoutSeconds: 15, wrapUpSeconds: DEFAULT_WRAP_UP_SECONDS };
    this.waiting.set(callId, { session, queue: held.queue, enqueuedAt: held.enqueuedAt, ...settings, settle, offering: false });
    session.signal.addEventListener('abort', () => void this.callerLeft(callId), { once: true });
    settle('abandoned', `queue:${held.queue}`);
    await session.telephony.startMusicOnHold(session.channelId).catch(() => undefined);
    session.log.info({ queue: held.queue }, 'waiting call recovered at its place');
    void this.tryForCall(callId);
    return 'adopted';
  }

  private async agentOnCall(callId: string): Promise<string | null> {
    for (const agentId of this.options.agentIds?.() ?? []) {
      const agent = await this.options.store.getAgent(agentId);
      if (agent?.callId === callId && (agent.status === 'on_call' || agent.status === 'offered')) return agentId;
    }
    return null;
  }


  private async wrapUp(agentId: string, seconds: number): Promise<void> {
    this.agentChanged(
      await this.options.store.agentHungUp(agentId, Date.now() + seconds * 1000).catch((error: unknown) => {
        this.problem(this.log, { err: error, agentId }, 'could not start wrap-up');
        return undefined;
      }),
    );
    const timer = setTimeout(() => {
      this.wrapUps.delete(agentId);
      void this.options.store
        .agentEndWrapUp(agentId)
        .then((event) => {
          this.agentChanged(event);
          return this.agentFree(agentId);
        })
        .catch((error: unknown) => this.log.warn({ err: error, agentId }, 'wrap-up did not end as expected'));
    }, seconds * 1000);
    this.wrapUps.set(agentId, timer);
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
