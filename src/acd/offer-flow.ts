import type { AgentStateEvent } from '../agents/agent-state.js';
import type { LegFailure } from '../calls/telephony.js';
import type { InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { Logger } from '../logging/logger.js';
import type { OfferContext } from '../screenpop/pop-builder.js';
import type { AcdEvent } from './acd-events.js';
import type { AcdStore } from './acd-store.js';
import type { CallRecovery } from './call-recovery.js';
import type { Conversations } from './conversations.js';
import type { AgentContact } from './dispatcher.js';
import { hangUpLegs, ringAgents } from './ring-agents.js';
import { requeueHeld } from './state-rebuild.js';
import type { Assignment } from './types.js';
import type { Waiter } from './waiting-room.js';

/** After a ring-all round nobody answered, the phones ring again after this pause (app_queue's `retry`). */
const RING_ALL_RETRY_MS = 2000;

/** What ringing agents for a call needs of the dispatcher that holds it. */
export interface OfferHost {
  store: AcdStore;
  recorder: InteractionRecorder;
  agents: (agentId: string) => AgentContact | undefined;
  offered: ((offer: OfferContext) => void) | undefined;
  log: Logger;
  waiting: Map<string, Waiter>;
  conversations: Conversations;
  recovery: CallRecovery;
  stopping(): boolean;
  emit(event: AcdEvent): void;
  agentChanged(event: AgentStateEvent | undefined): void;
  agentFree(agentId: string): Promise<void>;
  tryForCall(callId: string): Promise<void>;
  problem(log: Logger, fields: Record<string, unknown>, message: string): void;
}

/**
 * One offer from the phone ringing to its outcome: the agent answers (caller and agent bridged, the call leaves
 * the ACD, the conversation starts), or not (no answer, busy, rejected: the call goes back to its exact place).
 */
export class OfferFlow {
  constructor(private readonly host: OfferHost) {}

  async ring(assignment: Assignment): Promise<void> {
    const call = this.host.waiting.get(assignment.callId);
    if (!call) {
      // A caller that just left, or one no node here holds: back to its place (the agents are not to blame).
      this.host.log.warn({ callId: assignment.callId, agentId: assignment.agentId }, 'assigned a call this node does not hold; putting it back');
      const back = await this.host.store.requeueAtFront(assignment.callId, { agentsToBlame: false }).catch(() => null);
      for (const event of back?.events ?? []) {
        this.host.agentChanged(event);
        await this.host.agentFree(event.agentId);
      }
      return;
    }
    const { session } = call;
    const contacts = assignment.agents.map((agentId) => this.host.agents(agentId));
    const reachable = contacts.filter((contact): contact is AgentContact => contact !== undefined);
    call.offering = true;
    for (const event of assignment.events) this.host.agentChanged(event);
    // A placed call is not a queue's caller: the queue's figures leave it out.
    if (!call.outbound) for (const agentId of assignment.agents) this.host.emit({ type: 'call.offered', callId: assignment.callId, queue: call.plan.queue.name, agentId, at: Date.now() });
    // Known at once: the call may end before any later step runs.
    call.settle('abandoned', `offered:${assignment.agentId}`);
    if (reachable.length === 0) {
      this.host.problem(session.log, { agentId: assignment.agentId }, 'assigned agent has no phone; putting the call back');
      await this.missed(assignment, call, 'unreachable');
      return;
    }
    void this.host.recorder.offered(session.channelId, assignment.agentId);
    this.host.offered?.({
      callId: assignment.callId,
      offerId: assignment.offerId,
      agentIds: reachable.map((agent) => agent.agentId),
      offeredAt: Date.now(),
      queue: call.plan.queue.name,
      priority: call.plan.priority,
      enqueuedAt: call.enqueuedAt,
      caller: { number: session.call.callerNumber, name: session.call.callerName, dialledNumber: session.call.dialledNumber },
    });
    session.log.info({ agents: reachable.map((agent) => agent.agentId) }, reachable.length > 1 ? 'ringing every free agent (ring-all)' : 'offering the call to an agent');
    const ringAll = assignment.ringAll;
    const result = await ringAgents(session, reachable, call.plan.queue.ringTimeoutSeconds, (agentId) => {
      // Ring-all: a leg that ends without winning frees its agent at once.
      if (ringAll) void this.host.store.withdrawOffer(agentId, assignment.callId).then((event) => this.host.agentChanged(event ?? undefined));
    });
    if (result.kind === 'caller-left') {
      // callerLeft() frees the agents. A stopping node leaves the phones to the next one.
      if (!this.host.stopping()) await hangUpLegs(session, result.ringing);
      return;
    }
    if (result.kind === 'unanswered') {
      await this.missed(assignment, call, result.reason);
      return;
    }
    await this.connect({ ...assignment, agentId: result.leg.agentId }, call, result.leg.legId, result.hungUp);
  }

  /**
   * No answer, busy, rejected: the call goes back to its exact place. One agent rung is paused "missed";
   * agents rung together (ring-all) are available again, and the call waits a moment before ringing them again.
   */
  private async missed(assignment: Assignment, call: Waiter, reason: LegFailure): Promise<void> {
    call.offering = false;
    call.settle('abandoned', `queue:${call.plan.queue.name}`);
    call.session.log.info({ agents: assignment.agents, reason }, 'the call was not answered; back to its place in the queue');
    for (const agentId of assignment.agents) this.host.emit({ type: 'call.missed', callId: assignment.callId, queue: call.plan.queue.name, agentId, reason, at: Date.now() });
    if (call.lostOffer) {
      // Redis lost the offer with the rest of the ACD's state: the caller goes back in line as this node holds them; the agent has no state to pause.
      call.lostOffer = false;
      await requeueHeld(this.host.store, assignment.callId, call).catch((error: unknown) => this.host.problem(call.session.log, { err: error }, 'could not put the call back in line'));
      await this.host.tryForCall(assignment.callId);
      return;
    }
    const requeued = await this.host.store.requeueAtFront(assignment.callId).catch((error: unknown) => {
      this.host.problem(call.session.log, { err: error }, 'could not requeue the call');
      return null;
    });
    for (const event of requeued?.events ?? []) this.host.agentChanged(event);
    if (assignment.ringAll) {
      const retry = setTimeout(() => void this.host.tryForCall(assignment.callId), RING_ALL_RETRY_MS);
      retry.unref();
      return;
    }
    await this.host.tryForCall(assignment.callId);
  }

  /**
   * The agent answered: caller and agent are bridged first, and only then is the call answered in the ACD. If
   * either hangs up in between, the agent leg is hung up and (the caller still there) the call goes back to its place.
   */
  async connect(assignment: Assignment, call: Waiter, legId: string, agentHungUp: Promise<unknown>): Promise<void> {
    const { session } = call;
    const { telephony } = session;
    await call.plan.prompt?.stop().catch(() => undefined);
    await telephony.stopMusicOnHold(session.channelId).catch(() => undefined);
    let agentGone = false;
    agentHungUp.then(() => (agentGone = true), () => undefined);
    let bridgeId: string | undefined;
    try {
      bridgeId = (await telephony.createBridge()).bridgeId;
      await telephony.addToBridge(bridgeId, [session.channelId, legId]);
      if (agentGone) throw new Error('the agent hung up before the bridge was made');
    } catch (error) {
      session.log.warn({ err: error, agentId: assignment.agentId }, 'could not connect caller and agent; the call goes back to its place');
      await telephony.hangup(legId).catch(() => undefined);
      if (bridgeId) await telephony.destroyBridge(bridgeId).catch(() => undefined);
      session.releaseLeg(legId);
      // The caller's channel gone (their hang-up still on its way) is their leaving, not the agent's miss.
      if (session.ended || !(await telephony.channelExists(session.channelId).catch(() => true))) return;
      await telephony.startMusicOnHold(session.channelId).catch(() => undefined);
      await this.missed(assignment, call, 'failed');
      return;
    }
    let answered;
    try {
      // An offer Redis forgot (it lost the ACD's state while the phone rang): the agent is put back on the call instead.
      answered = call.lostOffer ? await this.host.recovery.restoreTalker(assignment.agentId, session.channelId) : await this.host.store.agentAnswered(assignment.agentId);
    } catch (error) {
      if (!session.ended) throw error;
      // The caller hung up as the agent answered: the ACD has freed the agent already; their leg goes too.
      session.log.info({ agentId: assignment.agentId }, 'the caller hung up as the agent answered');
      await telephony.hangup(legId).catch(() => undefined);
      await telephony.destroyBridge(bridgeId).catch(() => undefined);
      session.releaseLeg(legId);
      return;
    }
    this.host.agentChanged(answered);
    this.host.waiting.delete(session.channelId);
    if (!call.outbound) this.host.emit({ type: 'call.answered', callId: session.channelId, queue: call.plan.queue.name, agentId: assignment.agentId, waitedMs: Date.now() - call.enqueuedAt, at: Date.now() });
    call.settle('answered', `agent:${assignment.agentId}`);
    void this.host.recorder.answered(session.channelId, assignment.agentId);
    session.log.info({ agentId: assignment.agentId, bridgeId }, 'agent answered; caller and agent connected');
    await this.host.conversations.converse(session, legId, bridgeId, assignment.agentId, call.plan.queue, agentHungUp, call.settle);
  }
}
