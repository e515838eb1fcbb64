import type { AgentContact } from '../acd/dispatcher.js';
import { ringAgents } from '../acd/ring-agents.js';
import type { Assignment } from '../acd/types.js';
import { placedCallPlan, type WaitPlan } from '../acd/waiting-room.js';
import { PLACED_CALL_ARG } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { CallEvent, LegFailure } from '../calls/telephony.js';
import type { InteractionOutcome, InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { QueueDefinition } from '../routing/schema.js';
import type { OfferContext } from '../screenpop/pop-builder.js';
import type { AttemptResult, Callback } from './callback-store.js';

/** What the dialer needs of the ACD and of the node's calls. */
export interface DialerHost {
  agents: (agentId: string) => AgentContact | undefined;
  recorder: InteractionRecorder;
  placeOutbound: (call: { channelId: string; number: string }, ended: () => void) => CallSession;
  release: (session: CallSession) => void;
  takeOutbound: (session: CallSession, assignment: Assignment, plan: WaitPlan, settle: (outcome: InteractionOutcome, detail: string) => void, answeredLeg?: { legId: string; hungUp: Promise<unknown> }) => Promise<void>;
  releasePlaceholder: (callId: string) => Promise<void>;
  placeholderMissed: (assignment: Assignment, reason: LegFailure) => Promise<void>;
  offered?: ((offer: OfferContext) => void) | undefined;
  endpoint: (e164: string) => string;
  callerId: string;
}

/** What became of an attempt, for the callback's record. */
export type DialOutcome =
  | { kind: 'connected' }
  /** The customer was dialled and not reached. */
  | { kind: 'not-reached'; result: AttemptResult }
  /** The reserved agent did not answer: nobody was dialled, the callback keeps its place. */
  | { kind: 'agent-missed' };

type OwnLegEvent = Extract<CallEvent, { type: 'leg.answered' | 'leg.failed' }>;
const ownLeg = (channelId: string) => (event: CallEvent): event is OwnLegEvent =>
  (event.type === 'leg.answered' || event.type === 'leg.failed') && event.channelId === channelId;

const PROMPTS = {
  /** To the agent, agent first, while the customer's phone rings. */
  agentDialling: ['sound:ringside/callback-dialling-customer'],
  /** To the customer, customer first, before an agent takes over. */
  customerConnecting: ['sound:ringside/callback-connecting-agent'],
  /** To the agent, agent first, when the customer did not answer. */
  agentNotReached: ['sound:ringside/callback-not-reached'],
};

/**
 * Dials one callback attempt for an agent the ACD reserved: agent first (their phone rings with the customer's
 * number and the pop; once they answer the customer is dialled and bridged) or customer first (the customer is
 * dialled; once they answer the reserved agent's phone rings as for any caller). `started` is called just before
 * the customer is dialled and must say whether the attempt may go ahead (it is the one place that counts it).
 */
export class CallbackDialer {
  constructor(private readonly host: DialerHost) {}

  async dial(callback: Callback, assignment: Assignment, queue: QueueDefinition, started: () => Promise<boolean>, connected: () => void): Promise<DialOutcome> {
    const { host } = this;
    const callId = assignment.callId;
    const contact = host.agents(assignment.agentId);
    let result: { outcome: InteractionOutcome; detail: string } = { outcome: 'failed', detail: 'not dialled' };
    let dialled = false;
    const session = host.placeOutbound({ channelId: callId, number: callback.phoneE164 }, () => {
      if (dialled) void host.recorder.close(callId, result.outcome, result.detail);
    });
    const settle = (outcome: InteractionOutcome, detail: string): void => {
      result = { outcome, detail };
      if (outcome === 'answered') connected();
    };
    host.offered?.({
      callId,
      offerId: assignment.offerId,
      agentIds: [assignment.agentId],
      offeredAt: Date.now(),
      queue: queue.name,
      priority: 0,
      enqueuedAt: callback.queueEnteredAt.getTime(),
      caller: { number: callback.phoneE164, name: '', dialledNumber: callback.phoneE164 },
    });
    if (!contact) {
      host.release(session);
      await host.placeholderMissed(assignment, 'unreachable');
      return { kind: 'agent-missed' };
    }

    let agentLeg: { legId: string; hungUp: Promise<unknown> } | undefined;
    if (queue.callback.mode === 'agent_first') {
      const ring = await ringAgents(session, [contact], queue.ringTimeoutSeconds, () => undefined);
      if (ring.kind !== 'answered') {
        host.release(session);
        await host.placeholderMissed(assignment, ring.kind === 'unanswered' ? ring.reason : 'failed');
        return { kind: 'agent-missed' };
      }
      agentLeg = { legId: ring.leg.legId, hungUp: ring.hungUp };
      void session.telephony.play(agentLeg.legId, PROMPTS.agentDialling).catch(() => undefined);
    }

    if (!(await started())) {
      await this.abandon(session, agentLeg);
      await host.releasePlaceholder(callId);
      return { kind: 'not-reached', result: 'interrupted' };
    }
    dialled = true;
    void host.recorder.openOutbound({ callId, customerId: callback.customerId, e164: callback.phoneE164, queue: queue.name, callbackId: callback.id });
    void host.recorder.offered(callId, assignment.agentId);
    const answer = await this.dialCustomer(session, callback, queue, agentLeg);
    if (answer !== 'answered') {
      result = { outcome: 'failed', detail: `callback:${answer}` };
      if (agentLeg) await session.telephony.play(agentLeg.legId, PROMPTS.agentNotReached).then((prompt) => prompt.finished).catch(() => undefined);
      await this.abandon(session, agentLeg);
      await host.releasePlaceholder(callId);
      return { kind: 'not-reached', result: answer };
    }
    result = { outcome: 'abandoned', detail: `offered:${assignment.agentId}` };
    if (!agentLeg) {
      await session.telephony.play(callId, PROMPTS.customerConnecting).then((prompt) => prompt.finished).catch(() => undefined);
      await session.telephony.startMusicOnHold(callId).catch(() => undefined);
    }
    await host.takeOutbound(session, assignment, placedCallPlan(queue), settle, agentLeg);
    return { kind: 'connected' };
  }

  /** Rings the customer; the agent giving up (hanging up their leg) stops it. */
  private async dialCustomer(session: CallSession, callback: Callback, queue: QueueDefinition, agentLeg: { hungUp: Promise<unknown> } | undefined): Promise<'answered' | AttemptResult> {
    const callId = session.channelId;
    const event = session.waitFor(ownLeg(callId), (queue.callback.ringSeconds + 15) * 1000);
    try {
      await session.telephony.originate({
        endpoint: this.host.endpoint(callback.phoneE164),
        ...(this.host.callerId ? { callerId: this.host.callerId } : {}),
        timeoutSeconds: queue.callback.ringSeconds,
        appArgs: [PLACED_CALL_ARG, String(callback.id)],
        channelId: callId,
      });
    } catch (error) {
      session.log.warn({ err: error }, 'could not dial the customer');
      event.catch(() => undefined);
      return 'unreachable';
    }
    const agentGaveUp = agentLeg ? agentLeg.hungUp.then(() => 'agent-gone' as const, () => 'agent-gone' as const) : new Promise<never>(() => undefined);
    const first = await Promise.race([event.then((value) => value ?? ('timeout' as const), () => 'timeout' as const), agentGaveUp]);
    if (first === 'agent-gone') {
      await session.telephony.hangup(callId).catch(() => undefined);
      return 'interrupted';
    }
    if (first === 'timeout') {
      await session.telephony.hangup(callId).catch(() => undefined);
      return 'no-answer';
    }
    return first.type === 'leg.answered' ? 'answered' : first.reason;
  }

  private async abandon(session: CallSession, agentLeg: { legId: string } | undefined): Promise<void> {
    if (agentLeg) {
      await session.telephony.hangup(agentLeg.legId).catch(() => undefined);
      session.releaseLeg(agentLeg.legId);
    }
    this.host.release(session);
  }
}
