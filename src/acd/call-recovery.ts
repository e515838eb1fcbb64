import type { AgentStateEvent } from '../agents/agent-state.js';
import type { RecoveryContext, RecoveryVerdict } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { Queryable } from '../db/queryable.js';
import type { Logger } from '../logging/logger.js';
import { decisionForRule } from '../routing/evaluate.js';
import type { RulesCatalog } from '../routing/rules-catalog.js';
import type { QueueDefinition } from '../routing/schema.js';
import type { AcdStore } from './acd-store.js';
import type { Conversations } from './conversations.js';
import type { OutboundCalls } from './dispatcher.js';
import { AGENT_LEG_PREFIX } from './ring-agents.js';
import { interactionStanding, requeueHeld } from './state-rebuild.js';
import type { AgentProfile, HeldCall } from './types.js';
import { placedCallPlan, recoveredPlan, type Waiter } from './waiting-room.js';

const DEFAULT_WRAP_UP_SECONDS = 30;

/** What taking calls back needs of the dispatcher that holds this node's calls. */
export interface RecoveryHost {
  store: AcdStore;
  db: Queryable | undefined;
  catalog: (() => RulesCatalog) | undefined;
  outbound: (() => OutboundCalls | undefined) | undefined;
  wrapUpSeconds: ((agentId: string) => number) | undefined;
  profileOf: ((agentId: string) => AgentProfile | undefined) | undefined;
  log: Logger;
  waiting: ReadonlyMap<string, Waiter>;
  conversations: Conversations;
  hold(waiter: Waiter): Waiter;
  agentChanged(event: AgentStateEvent | undefined): void;
  agentFree(agentId: string): Promise<void>;
  endLostConversation(agentId: string): Promise<void>;
  tryForCall(callId: string): Promise<void>;
  queueDefinition(name: string): QueueDefinition;
  problem(log: Logger, fields: Record<string, unknown>, message: string): void;
}

/**
 * Takes calls back into this node's hands: after a restart (from Redis, or from PostgreSQL when Redis came back
 * empty), after Redis lost its state under a running node, and for single callers an AOF a second behind forgot.
 */
export class CallRecovery {
  constructor(private readonly host: RecoveryHost) {}

  /**
   * After a restart: takes back a call the ACD held, from Redis. A call in
   * conversation keeps talking (its agent found by the call they are on); a
   * waiting call keeps its place; one that was ringing an agent goes back to
   * its place (its agents available again: they did not miss it). Agent legs are adopted with their call.
   */
  async recover(session: CallSession, context: RecoveryContext, settle: Waiter['settle']): Promise<RecoveryVerdict> {
    const { bridgePeers } = context;
    const callId = session.channelId;
    if (callId.startsWith(AGENT_LEG_PREFIX)) return 'leg';
    const { store } = this.host;
    const peer = bridgePeers[0];
    if (peer) {
      const agentId = (await store.agentOnCall(callId)) ?? (await this.talkerFromInteraction(callId));
      if (!agentId) return 'fallback';
      session.adoptLeg(peer);
      settle('answered', `agent:${agentId}`);
      session.log.info({ agentId }, 'conversation recovered after a restart');
      void this.host.conversations.converse(session, peer, context.bridgeId ?? '', agentId, { wrapUpSeconds: this.host.wrapUpSeconds?.(agentId) ?? DEFAULT_WRAP_UP_SECONDS }, undefined, settle).catch((error: unknown) =>
        this.host.problem(session.log, { err: error }, 'recovered conversation failed'),
      );
      return 'adopted';
    }
    const placed = this.host.outbound?.()?.handles(callId) ?? false;
    if (placed && !context.answered) return 'pending';
    const found = await store.getCall(callId);
    const rebuilt = found ? null : await this.requeueFromInteraction(callId, placed);
    const held = found ?? rebuilt;
    if (!held) return 'fallback';
    const catalog = this.host.catalog?.();
    const decision = held.rule && catalog ? decisionForRule(catalog, held.rule) : null;
    // Held before its agents are freed: an agent freed now may be offered this very call, and this node must know it.
    this.host.hold(
      placed
        ? { session, enqueuedAt: Date.now(), settle, offering: false, plan: placedCallPlan(this.host.queueDefinition(held.queue)), outbound: true }
        : { session, enqueuedAt: held.enqueuedAt, settle, offering: false, plan: recoveredPlan(this.host.queueDefinition(held.queue), decision, held, { fromRedis: rebuilt === null }) },
    );
    // Being offered when its node stopped: the agents did not miss it, whether or not their phone had started ringing.
    if (held.state === 'offered') {
      for (const event of (await store.requeueAtFront(callId, { agentsToBlame: false })).events ?? []) {
        this.host.agentChanged(event);
        await this.host.agentFree(event.agentId);
      }
    }
    settle('abandoned', `queue:${held.queue}`);
    await session.telephony.startMusicOnHold(session.channelId).catch(() => undefined);
    session.log.info({ queue: held.queue }, 'waiting call recovered at its place');
    void this.host.tryForCall(callId);
    return 'adopted';
  }

  /**
   * A call this node held ended while it was down (the caller hung up, or Asterisk restarted): it leaves its line;
   * agents it was offered to are free; an agent talking to it goes through the end of a call (wrap-up, then free).
   */
  async lost(callId: string): Promise<void> {
    const { store } = this.host;
    const removed = await store.removeCall(callId);
    if (removed?.state === 'offered') {
      for (const event of removed.events ?? []) this.host.agentChanged(event);
      await Promise.all(removed.agents.map((agentId) => this.host.agentFree(agentId)));
    }
    const talker = await store.agentOnCall(callId);
    if (talker) await this.host.endLostConversation(talker);
    this.host.log.info({ callId, freed: removed?.state === 'offered' ? removed.agents : [], talker }, 'a call that ended while Ringside was down let go of its place and agents');
  }

  /**
   * Redis lost the ACD's state (NodeDuties noticed): what this node holds goes back in, and the lines start
   * moving again for the agents who log in anew.
   */
  async rebuildLostState(): Promise<void> {
    // The agents talking here go back on their calls; agents with nothing on this node are not rebuilt: they log in again.
    let agents = 0;
    for (const talk of this.host.conversations.all()) {
      const event = await this.restoreTalker(talk.agentId, talk.session.channelId);
      this.host.agentChanged(event);
      if (event) agents++;
    }
    // The callers waiting here go back in line at their own virtual arrival (the order across every node comes out as
    // before), by arrival so that the lines read in order while they fill; offers ringing now finish by their own outcome.
    let calls = 0;
    let ringing = 0;
    const held = [...this.host.waiting].sort(([, a], [, b]) => a.enqueuedAt - b.enqueuedAt);
    for (const [callId, waiter] of held) {
      if (waiter.session.ended) continue;
      if (waiter.offering) {
        waiter.lostOffer = true;
        ringing++;
      } else if (await requeueHeld(this.host.store, callId, waiter)) {
        calls++;
      }
    }
    this.host.log.warn({ agents, calls, ringing }, 'ACD state put back: agents on their calls, callers at their places; other agents must log in again');
    for (const callId of this.host.waiting.keys()) await this.host.tryForCall(callId);
  }

  /**
   * Callers this node holds that Redis no longer has, though its state as a whole survived: a Redis restarted from
   * an AOF written every second can miss the last second's arrivals. They go back in line at their own place.
   */
  async putBackMissing(): Promise<void> {
    // A placed call's stand-in belongs to the callbacks, which rebuild it themselves.
    const idle = [...this.host.waiting].filter(([, call]) => !call.offering && !call.session.ended && !call.outbound);
    if (idle.length === 0) return;
    const missing = new Set(await this.host.store.missingCalls(idle.map(([callId]) => callId)));
    for (const [callId, call] of idle) {
      if (!missing.has(callId) || call.offering || this.host.waiting.get(callId) !== call) continue;
      call.session.log.warn('Redis did not have this waiting caller; putting them back at their place');
      if (await requeueHeld(this.host.store, callId, call)) await this.host.tryForCall(callId);
    }
  }

  /** Restart with an empty Redis, a caller bridged to an agent: the agent PostgreSQL says answered is put back on the call. */
  private async talkerFromInteraction(callId: string): Promise<string | null> {
    const standing = this.host.db ? await interactionStanding(this.host.db, callId, true).catch(() => null) : null;
    if (standing?.kind !== 'talking') return null;
    await this.restoreTalker(standing.agentId, callId);
    return standing.agentId;
  }

  /** An agent back on their call after Redis lost their state (null if they have a state again, or are unknown). */
  async restoreTalker(agentId: string, callId: string): Promise<AgentStateEvent | undefined> {
    const profile = this.host.profileOf?.(agentId);
    return (profile ? await this.host.store.restoreAgentOnCall(profile, callId) : null) ?? undefined;
  }

  /**
   * Restart with an empty Redis, a caller not in a bridge: if PostgreSQL has them waiting in a queue, they join it
   * again at their recorded virtual arrival. A placed call (a callback) has no such record: it goes to the fallback.
   */
  private async requeueFromInteraction(callId: string, placed: boolean): Promise<HeldCall | null> {
    if (placed || !this.host.db) return null;
    const standing = await interactionStanding(this.host.db, callId, false).catch(() => null);
    if (standing?.kind !== 'waiting') return null;
    const { routing } = standing;
    await this.host.store.enqueueCall({ callId, queue: standing.queue, skills: routing.skills, priority: routing.priority, enqueuedAt: routing.enqueuedAt, ...(routing.rule ? { rule: routing.rule } : {}) });
    this.host.log.info({ callId, queue: standing.queue }, 'a waiting call Redis had lost is back in line from its interaction');
    return this.host.store.getCall(callId);
  }
}
