import type { AcdEvent } from '../acd/acd-events.js';
import type { AcdStore } from '../acd/acd-store.js';
import { isDirectQueue } from '../acd/direct-queue.js';
import type { StoredAgent } from '../acd/types.js';
import type { Logger } from '../logging/logger.js';
import type { RealtimeHub } from '../realtime/hub.js';
import type { Redis } from '../redis/client.js';
import type { QueueDefinition } from '../routing/schema.js';
import type { AgentNames } from './agent-names.js';
import type { FiguresReader } from './figures-reader.js';
import type { AgentFigures, HistoryPoint, WallboardSnapshot } from './figures.js';
import type { WallboardKeys } from './wallboard-keys.js';

/** At most one update per queue (and per agent) per second reaches a wallboard. */
export const COALESCE_MS = 1000;
export const HISTORY_STEP_MS = 15_000;
const HISTORY_SPAN_MS = 3600_000;

export interface WallboardFeedOptions {
  hub: RealtimeHub;
  reader: FiguresReader;
  store: AcdStore;
  names: AgentNames;
  redis: Redis;
  keys: WallboardKeys;
  /** The queues of the routing rules now (agents' direct queues are left out of the wallboard). */
  queues: () => QueueDefinition[];
  logger: Logger;
  coalesceMs?: number;
  historyStepMs?: number;
}

const agentFigures = (agent: StoredAgent, names: Map<string, string>): AgentFigures => ({
  agentId: agent.agentId,
  displayName: names.get(agent.agentId) ?? agent.agentId,
  status: agent.status,
  since: agent.since,
  ...(agent.reason !== undefined ? { reason: agent.reason } : {}),
  ...(agent.callId !== undefined ? { callId: agent.callId } : {}),
  queues: agent.queues.filter((queue) => !isDirectQueue(queue)),
  callsToday: agent.callsToday,
});

/**
 * This node's wallboards: ACD events (from every node, through the hub) mark queues and agents changed;
 * their figures are read from Redis — once per change, however many wallboards watch — and pushed, the
 * first change at once and then at most once per second each. Also samples the chart every 15 s.
 */
export class WallboardFeed {
  private readonly dirtyQueues = new Set<string>();
  private readonly dirtyAgents = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private flushing = false;
  /** The last roster read: which queues an agent's change touches. */
  private roster: StoredAgent[] = [];
  private readonly log: Logger;
  private readonly coalesceMs: number;
  private readonly historyStepMs: number;

  constructor(private readonly options: WallboardFeedOptions) {
    this.log = options.logger.child({ component: 'wallboard' });
    this.coalesceMs = options.coalesceMs ?? COALESCE_MS;
    this.historyStepMs = options.historyStepMs ?? HISTORY_STEP_MS;
  }

  start(): void {
    this.options.hub.onAcdEvent((event) => this.changed(event));
    this.sampler = setInterval(() => void this.sample().catch((error: unknown) => this.log.warn({ err: error }, 'could not sample the wallboard chart')), this.historyStepMs);
    this.sampler.unref();
  }

  stop(): void {
    clearInterval(this.sampler);
    clearTimeout(this.timer);
  }

  private shownQueues(): QueueDefinition[] {
    return this.options.queues().filter((queue) => !isDirectQueue(queue.name));
  }

  /** What a wallboard shows the moment it connects. */
  async snapshot(): Promise<WallboardSnapshot> {
    const queues = this.shownQueues();
    const roster = await this.options.store.roster();
    this.roster = roster;
    const [figures, names, history] = await Promise.all([
      this.options.reader.read(queues, roster),
      this.options.names.of(roster.map((agent) => agent.agentId)),
      this.history(queues.map((queue) => queue.name)),
    ]);
    return { queues: figures, agents: roster.map((agent) => agentFigures(agent, names)), history, historyStepMs: this.historyStepMs };
  }

  private changed(event: AcdEvent): void {
    if (event.type === 'agent.state') {
      this.dirtyAgents.add(event.agentId);
      for (const queue of this.roster.find((agent) => agent.agentId === event.agentId)?.queues ?? []) this.dirtyQueues.add(queue);
      // An agent not in the last roster (just logged in): every queue may have gained them.
      if (!this.roster.some((agent) => agent.agentId === event.agentId)) for (const queue of this.shownQueues()) this.dirtyQueues.add(queue.name);
    } else if (!isDirectQueue(event.queue)) {
      this.dirtyQueues.add(event.queue);
      if ('agentId' in event) this.dirtyAgents.add(event.agentId);
    }
    this.schedule();
  }

  private due(key: string, now: number): boolean {
    return now - (this.lastSent.get(key) ?? 0) >= this.coalesceMs;
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    const now = Date.now();
    const keys = [...[...this.dirtyQueues].map((queue) => `q:${queue}`), ...[...this.dirtyAgents].map((agent) => `a:${agent}`)];
    if (keys.length === 0) return;
    const wait = Math.max(0, Math.min(...keys.map((key) => (this.lastSent.get(key) ?? 0) + this.coalesceMs - now)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const { hub, reader, store, names } = this.options;
    if (hub.supervisorCount() === 0) {
      // Nobody watches here: nothing to read; the next wallboard starts from a snapshot.
      this.dirtyQueues.clear();
      this.dirtyAgents.clear();
      return;
    }
    this.flushing = true;
    const now = Date.now();
    const queues = [...this.dirtyQueues].filter((queue) => this.due(`q:${queue}`, now));
    const agents = [...this.dirtyAgents].filter((agent) => this.due(`a:${agent}`, now));
    try {
      const byName = new Map(this.shownQueues().map((queue) => [queue.name, queue]));
      for (const queue of queues) this.dirtyQueues.delete(queue);
      for (const agent of agents) this.dirtyAgents.delete(agent);
      this.roster = await store.roster();
      const definitions = queues.flatMap((queue) => byName.get(queue) ?? []);
      const figures = await reader.read(definitions, this.roster, now);
      for (const queue of queues) this.lastSent.set(`q:${queue}`, now);
      for (const item of figures) hub.toSupervisors({ type: 'wallboard.queue', figures: item });
      if (agents.length > 0) {
        const known = await names.of(agents);
        for (const agentId of agents) {
          this.lastSent.set(`a:${agentId}`, now);
          const agent = this.roster.find((candidate) => candidate.agentId === agentId);
          if (agent) hub.toSupervisors({ type: 'wallboard.agent', agent: agentFigures(agent, known) });
        }
      }
    } catch (error) {
      // Tried again a round later: a change must not be lost with one failed read, nor a failing Redis spun on.
      for (const queue of queues) {
        this.dirtyQueues.add(queue);
        this.lastSent.set(`q:${queue}`, now);
      }
      for (const agent of agents) {
        this.dirtyAgents.add(agent);
        this.lastSent.set(`a:${agent}`, now);
      }
      this.log.warn({ err: error }, 'could not read the wallboard figures');
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  /**
   * One chart point per queue per step. Every node writes it, the same figures for the same step (they all
   * read one Redis), so the chart does not depend on which node a wallboard is connected to.
   */
  async sample(now = Date.now()): Promise<void> {
    const queues = this.shownQueues();
    if (queues.length === 0) return;
    const step = Math.floor(now / this.historyStepMs) * this.historyStepMs;
    const figures = await this.options.reader.read(queues, await this.options.store.roster(), now);
    const tx = this.options.redis.multi();
    for (const item of figures) {
      const key = this.options.keys.history(item.queue);
      tx.zremrangebyscore(key, step, step);
      tx.zremrangebyscore(key, '-inf', step - HISTORY_SPAN_MS);
      tx.zadd(key, step, JSON.stringify({ at: step, waiting: item.waiting, serviceLevelPercent: item.serviceLevelPercent } satisfies HistoryPoint));
      tx.expire(key, (2 * HISTORY_SPAN_MS) / 1000);
    }
    await tx.exec();
  }

  private async history(queues: readonly string[]): Promise<Record<string, HistoryPoint[]>> {
    const since = Date.now() - HISTORY_SPAN_MS;
    const pipeline = this.options.redis.pipeline();
    for (const queue of queues) pipeline.zrangebyscore(this.options.keys.history(queue), since, '+inf');
    const replies = (await pipeline.exec()) ?? [];
    return Object.fromEntries(queues.map((queue, index) => [queue, ((replies[index]?.[1] as string[] | undefined) ?? []).map((raw) => JSON.parse(raw) as HistoryPoint)]));
  }
}

