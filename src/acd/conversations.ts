import type { AgentStateEvent } from '../agents/agent-state.js';
import type { CallSession } from '../calls/call-session.js';
import { legGoneOf } from './ring-agents.js';
import type { Logger } from '../logging/logger.js';
import type { AcdStore } from './acd-store.js';
import type { Assignment } from './types.js';
import type { InteractionOutcome } from '../interactions/interaction-recorder.js';
import { conflict } from '../errors.js';


/** Where an agent sends their caller: a queue, or one agent (their direct queue). */
export interface TransferOrder {
  queue: string;
  fromAgent: string;
  note: string;
  /** For a transfer to one agent: where the caller goes if that agent never frees up. */
  fallbackQueue?: string;
}

/** A colleague the agent called about the caller (attended transfer), while the caller holds. */
export interface Consult {
  agentId: string;
  displayName: string;
  /** Known once the colleague's phone is rung. */
  legId: string | null;
  state: 'ringing' | 'talking';
  note: string;
  /** Settles when the colleague's leg hangs up (from their answer on). */
  hungUp: Promise<unknown> | null;
  /** The agent cancelled it: the colleague did not miss anything. */
  cancelled: boolean;
}

/** The conversation goes on with another agent (a completed consult): the caller and bridge stay. */
export interface Handoff {
  agentId: string;
  legId: string;
  hungUp: Promise<unknown>;
}

export type TalkState = 'talking' | 'held' | 'consulting' | 'ended';

/** A caller and agent talking on this node. */
export interface Talk {
  session: CallSession;
  legId: string;
  bridgeId: string;
  agentId: string;
  queue: string | undefined;
  answeredAt: number;
  held: boolean;
  /** Set when the agent transferred the caller: the agent's leg ends, the caller does not. */
  transfer: TransferOrder | null;
  consult: Consult | null;
  handoff: Handoff | null;
}

export interface ConversationsOptions {
  store: AcdStore;
  logger: Logger;
  /** Publishes an agent's state change. */
  agentChanged: (event: AgentStateEvent | undefined) => void;
  /** Rings the agents of an assignment. */
  offer: (assignment: Assignment) => void;
  /** A stopping node leaves conversations to go on without it. */
  stopping: () => boolean;
  /** Puts a transferred caller in the queue the agent chose. */
  transferred?: (session: CallSession, order: TransferOrder, settle: Settle | undefined) => Promise<void>;
  /** A conversation's state changed (answered, held, resumed, ended): for the agent's console. */
  talkChanged?: (talk: Talk, state: TalkState) => void;
  /** The agent's leg is gone while the talk is still theirs: a consult in progress decides what follows. */
  agentLeft?: (talk: Talk) => Promise<void>;
  /** The caller hung up (or the session closed) during the talk. */
  callerLeft?: (talk: Talk) => void;
  /** A talk of a queue's call is over, with how long it lasted (the wallboard's handle times). */
  talkEnded?: (talk: Talk, queue: string, talkMs: number, wrapUpSeconds: number) => void;
}

type Settle = (outcome: InteractionOutcome, detail: string) => void;

/** Grace after a wrap-up's end before another node ends it for a node that is gone. */
const OVERDUE_GRACE_MS = 5000;

/**
 * Caller and agent talking, then the agent's wrap-up: whoever hangs up first
 * ends the call for both, the queue's handle time is recorded, and the agent is
 * available again when the wrap-up ends (on its timer, or earlier on request).
 */
export class Conversations {
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();
  /** Conversations on this node, by agent. */
  private readonly talks = new Map<string, Talk>();

  constructor(private readonly options: ConversationsOptions) {}

  pendingWrapUps(): number {
    return this.wrapUps.size + this.talks.size;
  }

  /** Every conversation on this node. */
  all(): Talk[] {
    return [...this.talks.values()];
  }

  /** The agent's conversation on this node, if any. */
  talkOf(agentId: string): Talk | undefined {
    return this.talks.get(agentId);
  }

  /** The agent's conversation that they still control (not being transferred away). */
  inProgress(agentId: string): Talk {
    const talk = this.talks.get(agentId);
    if (!talk || talk.transfer || talk.handoff) throw conflict(`agent ${agentId} has no call in progress on this node`);
    return talk;
  }

  private consulting(agentId: string): Talk {
    const talk = this.inProgress(agentId);
    if (talk.consult) throw conflict('finish or cancel the consult first');
    return talk;
  }

  /** The caller hears music and leaves the bridge: the agent hears nothing of them until resumed. */
  async holdCaller(talk: Talk): Promise<void> {
    if (talk.held) return;
    const { telephony, channelId } = talk.session;
    await telephony.removeFromBridge(talk.bridgeId, [channelId]);
    talk.held = true;
    await telephony.startMusicOnHold(channelId).catch(() => undefined);
  }

  async unholdCaller(talk: Talk): Promise<void> {
    if (!talk.held) return;
    const { telephony, channelId } = talk.session;
    await telephony.stopMusicOnHold(channelId).catch(() => undefined);
    await telephony.addToBridge(talk.bridgeId, [channelId]);
    talk.held = false;
  }

  async hold(agentId: string): Promise<Talk> {
    const talk = this.consulting(agentId);
    if (talk.held) return talk;
    await this.holdCaller(talk);
    this.options.talkChanged?.(talk, 'held');
    return talk;
  }

  async resume(agentId: string): Promise<Talk> {
    const talk = this.consulting(agentId);
    if (!talk.held) return talk;
    await this.unholdCaller(talk);
    this.options.talkChanged?.(talk, 'talking');
    return talk;
  }

  changed(talk: Talk, state: TalkState): void {
    this.options.talkChanged?.(talk, state);
  }

  /** The agent hangs up from the console: as if their phone hung up (the caller's side ends too, then wrap-up). */
  async hangUp(agentId: string): Promise<void> {
    const talk = this.inProgress(agentId);
    await talk.session.telephony.hangup(talk.legId);
  }

  /**
   * Blind transfer: the caller leaves the bridge for music on hold, the agent's leg ends (their wrap-up
   * starts as after any call), and the caller joins the chosen queue.
   */
  async transfer(agentId: string, order: TransferOrder): Promise<void> {
    const talk = this.consulting(agentId);
    const { telephony, channelId } = talk.session;
    talk.transfer = order;
    if (!talk.held) {
      await telephony.removeFromBridge(talk.bridgeId, [channelId]).catch(() => undefined);
      await telephony.startMusicOnHold(channelId).catch(() => undefined);
    }
    await telephony.hangup(talk.legId);
  }

  stop(): void {
    for (const timer of this.wrapUps.values()) clearTimeout(timer);
    this.wrapUps.clear();
    this.talks.clear();
  }

  /** `agentHungUp`: the watch on the agent's leg, when it started before this (from the answer). */
  async converse(
    session: CallSession,
    legId: string,
    bridgeId: string,
    agentId: string,
    queue: { name?: string; wrapUpSeconds: number },
    agentHungUp?: Promise<unknown>,
    settle?: Settle,
  ): Promise<void> {
    const { telephony } = session;
    const { stopping } = this.options;
    const talkStarted = Date.now();
    const talk: Talk = { session, legId, bridgeId, agentId, queue: queue.name, answeredAt: talkStarted, held: false, transfer: null, consult: null, handoff: null };
    this.talks.set(agentId, talk);
    this.options.talkChanged?.(talk, 'talking');
    await (agentHungUp ?? session.waitFor(legGoneOf(legId))).then(
      async () => {
        if (talk.consult && !talk.handoff) await this.options.agentLeft?.(talk);
        // A transferred caller stays: they are on their way to the next queue, or talking to the colleague.
        if (!talk.transfer && !talk.handoff) await telephony.hangup(session.channelId).catch(() => undefined);
      },
      async () => {
        // The session closed: the caller hung up — or this node is stopping and the conversation goes on without it.
        if (stopping()) return;
        await telephony.hangup(legId).catch(() => undefined);
        this.options.callerLeft?.(talk);
      },
    );
    if (this.talks.get(agentId) === talk) this.talks.delete(agentId);
    this.options.talkChanged?.(talk, 'ended');
    if (stopping()) return;
    session.releaseLeg(legId);
    const { handoff } = talk;
    // Handed over even if the caller just left: the colleague's conversation then ends at once, with its wrap-up.
    if (handoff) {
      void this.converse(session, handoff.legId, bridgeId, handoff.agentId, queue, handoff.hungUp, settle).catch((error: unknown) =>
        session.log.error({ err: error, agentId: handoff.agentId }, 'the conversation handed over failed'),
      );
    } else {
      await telephony.destroyBridge(bridgeId).catch(() => undefined);
    }
    if (talk.transfer && !session.ended && this.options.transferred) {
      const order = talk.transfer;
      void this.options.transferred(session, order, settle).catch((error: unknown) => {
        session.log.error({ err: error, queue: order.queue }, 'could not transfer the caller; hanging up');
        void telephony.hangup(session.channelId).catch(() => undefined);
      });
    }
    if (queue.name) {
      this.options.talkEnded?.(talk, queue.name, Date.now() - talkStarted, queue.wrapUpSeconds);
      const handleSeconds = (Date.now() - talkStarted) / 1000 + queue.wrapUpSeconds;
      void this.options.store.recordHandleTime(queue.name, handleSeconds).catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not record a handle time'));
    }
    await this.wrapUp(agentId, queue.wrapUpSeconds);
  }

  private async wrapUp(agentId: string, seconds: number): Promise<void> {
    const { store, logger, agentChanged } = this.options;
    agentChanged(
      await store.agentHungUp(agentId, Date.now() + seconds * 1000).catch((error: unknown) => {
        if (!this.options.stopping()) logger.error({ err: error, agentId }, 'could not start wrap-up');
        return undefined;
      }),
    );
    const timer = setTimeout(() => {
      this.wrapUps.delete(agentId);
      void this.finish(agentId).catch((error: unknown) => logger.warn({ err: error, agentId }, 'wrap-up did not end as expected'));
    }, seconds * 1000);
    this.wrapUps.set(agentId, timer);
  }

  /** Ends an agent's wrap-up now (its time is up, or the agent asked): available, and offered the next call. */
  async finish(agentId: string): Promise<AgentStateEvent> {
    clearTimeout(this.wrapUps.get(agentId));
    this.wrapUps.delete(agentId);
    const { event, assignment } = await this.options.store.freeAgent(agentId, 'end_wrap_up');
    this.options.agentChanged(event);
    if (assignment) this.options.offer(assignment);
    return event;
  }

  /**
   * Wrap-ups whose timer lived on a node that is gone (killed mid wrap-up): well past their end, any node ends
   * them. The store's transition is atomic, so two nodes doing it at once end it once.
   */
  async endOverdue(agents: readonly { agentId: string; status: string; until?: number }[], now = Date.now()): Promise<void> {
    for (const agent of agents) {
      if (agent.status !== 'wrap_up' || agent.until === undefined || agent.until + OVERDUE_GRACE_MS > now || this.wrapUps.has(agent.agentId)) continue;
      await this.finish(agent.agentId).catch(() => undefined);
    }
  }
}
