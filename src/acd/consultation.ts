import type { AgentStateEvent } from '../agents/agent-state.js';
import type { InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { Logger } from '../logging/logger.js';
import type { OfferContext } from '../screenpop/pop-builder.js';
import type { AcdStore } from './acd-store.js';
import type { Consult, Conversations, Talk } from './conversations.js';
import type { AgentContact } from './dispatcher.js';
import { hangUpLegs, ringAgents } from './ring-agents.js';
import { conflict, notFound, RingsideError } from '../errors.js';

export interface ConsultationOptions {
  store: AcdStore;
  recorder: InteractionRecorder;
  logger: Logger;
  conversations: Conversations;
  agents: (agentId: string) => AgentContact | undefined;
  agentChanged: (event: AgentStateEvent | undefined) => void;
  /** An agent is available again: offered their next call. */
  agentFree: (agentId: string) => Promise<void>;
  /** The colleague's phone rings: they get the caller's pop, with the agent's note. */
  offered?: (offer: OfferContext) => void;
  stopping: () => boolean;
}

/** How long the colleague's phone rings before the consult gives up. */
const CONSULT_RING_SECONDS = 30;

/**
 * Attended transfer: the agent puts the caller on hold and calls a colleague
 * (who must be available, reserved atomically like any offer); once they talk,
 * the agent completes (the caller joins the colleague, the agent's wrap-up
 * starts) or cancels (the colleague's leg ends, the caller is back with the
 * agent). The agent hanging up while talking to the colleague completes it.
 */
export class Consultations {
  /** Colleagues being consulted on this node → the talk they were called about. */
  private readonly colleagues = new Map<string, Talk>();

  constructor(private readonly options: ConsultationOptions) {}

  isColleague(agentId: string): boolean {
    return this.colleagues.has(agentId);
  }

  /** A consulted colleague hangs up from their console (they have no conversation of their own yet). */
  async colleagueHangUp(agentId: string): Promise<boolean> {
    const talk = this.colleagues.get(agentId);
    const legId = talk?.consult?.agentId === agentId ? talk.consult.legId : null;
    if (!talk || !legId) return false;
    await talk.session.telephony.hangup(legId);
    return true;
  }

  async start(agentId: string, target: { agentId: string; note: string }): Promise<Talk> {
    const { conversations, store } = this.options;
    const talk = conversations.inProgress(agentId);
    if (talk.consult) throw conflict('a consult is already in progress');
    if (target.agentId === agentId) throw conflict('you cannot consult yourself');
    const contact = this.options.agents(target.agentId);
    if (!contact) throw notFound(`agent ${target.agentId}`);
    const callId = talk.session.channelId;
    const event = await store.consultOffer(target.agentId, callId).catch((error: unknown) => {
      if (error instanceof RingsideError && error.code === 'illegal_transition') throw conflict(`agent ${target.agentId} is not available`);
      throw error;
    });
    this.options.agentChanged(event);
    const consult: Consult = { agentId: target.agentId, displayName: contact.displayName, legId: null, state: 'ringing', note: target.note, hungUp: null, cancelled: false };
    talk.consult = consult;
    this.colleagues.set(target.agentId, talk);
    await conversations.holdCaller(talk).catch((error: unknown) => talk.session.log.warn({ err: error }, 'could not hold the caller for a consult'));
    conversations.changed(talk, 'consulting');
    await this.options.recorder.transferred(callId, { fromAgent: agentId, note: target.note, to: `agent:${target.agentId}`, kind: 'consult' });
    const { call } = talk.session;
    this.options.offered?.({
      callId,
      offerId: 0,
      agentIds: [target.agentId],
      offeredAt: Date.now(),
      queue: talk.queue ?? '',
      priority: 0,
      enqueuedAt: talk.answeredAt,
      caller: { number: call.callerNumber, name: call.callerName, dialledNumber: call.dialledNumber },
    });
    void this.ring(talk, consult, contact).catch((error: unknown) => talk.session.log.error({ err: error }, 'the consult failed'));
    return talk;
  }

  private async ring(talk: Talk, consult: Consult, contact: AgentContact): Promise<void> {
    const { session } = talk;
    const result = await ringAgents(session, [contact], CONSULT_RING_SECONDS, () => undefined, ([legId]) => (consult.legId = legId ?? null));
    if (result.kind === 'caller-left') {
      if (!this.options.stopping()) await hangUpLegs(session, result.ringing);
      await this.release(consult.agentId, 'withdraw', session.channelId);
      this.ended(talk, consult);
      return;
    }
    if (result.kind === 'unanswered') {
      // Cancelled while it rang: nobody missed anything; otherwise the colleague missed an offer like any other.
      await this.release(consult.agentId, consult.cancelled ? 'withdraw' : 'miss', session.channelId);
      this.ended(talk, consult);
      return;
    }
    const { legId } = result.leg;
    consult.legId = legId;
    consult.hungUp = result.hungUp;
    void result.hungUp.then(
      () => this.colleagueLeft(talk, consult),
      () => this.colleagueLeft(talk, consult),
    );
    if (consult.cancelled || talk.consult !== consult) {
      await session.telephony.hangup(legId).catch(() => undefined);
      return;
    }
    this.options.agentChanged(await this.options.store.agentAnswered(consult.agentId));
    await session.telephony.addToBridge(talk.bridgeId, [legId]);
    consult.state = 'talking';
    this.options.conversations.changed(talk, 'consulting');
    session.log.info({ agentId: talk.agentId, colleague: consult.agentId }, 'consulting a colleague; the caller holds');
  }

  /** The colleague's leg ended before the hand-over: they are free again, the caller still holds for the agent. */
  private async colleagueLeft(talk: Talk, consult: Consult): Promise<void> {
    if (talk.handoff?.agentId === consult.agentId) return;
    if (consult.legId) {
      if (!this.options.stopping()) await talk.session.telephony.hangup(consult.legId).catch(() => undefined);
      talk.session.releaseLeg(consult.legId);
    }
    if (this.options.stopping()) return;
    const { store, conversations } = this.options;
    const wrapped = await store.agentHungUp(consult.agentId, Date.now()).catch(() => undefined);
    this.options.agentChanged(wrapped);
    if (wrapped) await conversations.finish(consult.agentId).catch(() => undefined);
    this.ended(talk, consult);
  }

  private ended(talk: Talk, consult: Consult): void {
    if (this.colleagues.get(consult.agentId) === talk) this.colleagues.delete(consult.agentId);
    if (talk.consult !== consult) return;
    talk.consult = null;
    if (!talk.session.ended && !talk.handoff) this.options.conversations.changed(talk, talk.held ? 'held' : 'talking');
  }

  private async release(agentId: string, action: 'miss' | 'withdraw', callId: string): Promise<void> {
    const event = await this.options.store.agentAction(agentId, action, action === 'withdraw' ? callId : '').catch(() => undefined);
    this.options.agentChanged(event);
    if (event?.to === 'available') await this.options.agentFree(agentId);
  }

  /** The caller joins the colleague; the agent's leg ends and their wrap-up starts. */
  async complete(agentId: string): Promise<void> {
    const talk = this.options.conversations.inProgress(agentId);
    const consult = talk.consult;
    if (!consult) throw conflict('there is no consult to complete');
    if (consult.state !== 'talking' || !consult.legId || !consult.hungUp) throw conflict(`${consult.displayName} has not answered yet`);
    await this.handOver(talk, consult);
    await talk.session.telephony.hangup(talk.legId);
  }

  private async handOver(talk: Talk, consult: Consult): Promise<void> {
    if (!consult.legId || !consult.hungUp) return;
    talk.handoff = { agentId: consult.agentId, legId: consult.legId, hungUp: consult.hungUp };
    talk.consult = null;
    this.colleagues.delete(consult.agentId);
    await this.options.conversations.unholdCaller(talk).catch((error: unknown) => talk.session.log.warn({ err: error }, 'could not take the caller off hold for the hand-over'));
    const callId = talk.session.channelId;
    void this.options.recorder.transferred(callId, { fromAgent: talk.agentId, note: consult.note, to: `agent:${consult.agentId}`, kind: 'attended' });
    void this.options.recorder.answered(callId, consult.agentId);
    talk.session.log.info({ agentId: talk.agentId, colleague: consult.agentId }, 'attended transfer completed');
  }

  /** The colleague's leg ends (ringing or talking) and the caller is back with the agent. */
  async cancel(agentId: string): Promise<void> {
    const talk = this.options.conversations.inProgress(agentId);
    const consult = talk.consult;
    if (!consult) throw conflict('there is no consult to cancel');
    consult.cancelled = true;
    if (consult.legId) await talk.session.telephony.hangup(consult.legId).catch(() => undefined);
    talk.consult = null;
    await this.options.conversations.unholdCaller(talk);
    this.options.conversations.changed(talk, 'talking');
  }

  /** The agent hung up during the consult: talking to the colleague, that completes it; still ringing, it is called off. */
  async agentLeft(talk: Talk): Promise<void> {
    const consult = talk.consult;
    if (!consult) return;
    if (consult.state === 'talking') {
      await this.handOver(talk, consult);
      return;
    }
    consult.cancelled = true;
    if (consult.legId) await talk.session.telephony.hangup(consult.legId).catch(() => undefined);
    talk.consult = null;
  }

  /** The caller hung up during the consult: the colleague's leg ends too. */
  callerLeft(talk: Talk): void {
    const consult = talk.consult;
    if (!consult?.legId || this.options.stopping()) return;
    consult.cancelled = true;
    void talk.session.telephony.hangup(consult.legId).catch(() => undefined);
  }
}
