import type { AgentStateEvent } from '../agents/agent-state.js';
import type { CallSession } from '../calls/call-session.js';
import { legGoneOf } from './ring-agents.js';
import type { Logger } from '../logging/logger.js';
import type { AcdStore } from './acd-store.js';
import type { Assignment } from './types.js';


export interface ConversationsOptions {
  store: AcdStore;
  logger: Logger;
  /** Publishes an agent's state change. */
  agentChanged: (event: AgentStateEvent | undefined) => void;
  /** Rings the agents of an assignment. */
  offer: (assignment: Assignment) => void;
  /** A stopping node leaves conversations to go on without it. */
  stopping: () => boolean;
}

/** Grace after a wrap-up's end before another node ends it for a node that is gone. */
const OVERDUE_GRACE_MS = 5000;

/**
 * Caller and agent talking, then the agent's wrap-up: whoever hangs up first
 * ends the call for both, the queue's handle time is recorded, and the agent is
 * available again when the wrap-up ends (on its timer, or earlier on request).
 */
export class Conversations {
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: ConversationsOptions) {}

  pendingWrapUps(): number {
    return this.wrapUps.size;
  }

  stop(): void {
    for (const timer of this.wrapUps.values()) clearTimeout(timer);
    this.wrapUps.clear();
  }

  /** `agentHungUp`: the watch on the agent's leg, when it started before this (from the answer). */
  async converse(session: CallSession, legId: string, bridgeId: string, agentId: string, queue: { name?: string; wrapUpSeconds: number }, agentHungUp?: Promise<unknown>): Promise<void> {
    const { telephony } = session;
    const { stopping } = this.options;
    const talkStarted = Date.now();
    await (agentHungUp ?? session.waitFor(legGoneOf(legId))).then(
      async () => {
        await telephony.hangup(session.channelId).catch(() => undefined);
      },
      async () => {
        // The session closed: the caller hung up — or this node is stopping and the conversation goes on without it.
        if (!stopping()) await telephony.hangup(legId).catch(() => undefined);
      },
    );
    if (stopping()) return;
    await telephony.destroyBridge(bridgeId).catch(() => undefined);
    session.releaseLeg(legId);
    if (queue.name) {
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
