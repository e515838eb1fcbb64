import type { Queryable } from '../db/queryable.js';
import type { QueueDefinition } from '../routing/schema.js';
import { AgentNames } from '../wallboard/agent-names.js';
import { FiguresReader } from '../wallboard/figures-reader.js';
import { WallboardFeed } from '../wallboard/wallboard-feed.js';
import { WallboardKeys } from '../wallboard/wallboard-keys.js';
import type { FastifyInstance } from 'fastify';
import type { AcdStore } from '../acd/acd-store.js';
import { STATE_LOST } from '../agents/agent-state.js';
import type { StoredAgent } from '../acd/types.js';
import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import type { PopService } from '../screenpop/pop-service.js';
import { RealtimeHub } from './hub.js';
import type { AgentStateView, ServerMessage, SessionUserView } from './messages.js';
import { registerRealtimeRoute } from './ws-route.js';

export interface RealtimeDependencies {
  redis: Redis;
  /** The wallboard's sources: user names from PostgreSQL (cached), the queues of the routing rules, the center's day. */
  wallboard?: { db: Queryable; queues: () => QueueDefinition[]; timezone: string };
  keyPrefix: string;
  store: AcdStore;
  pops: PopService;
  logger: Logger;
  allowedOrigins?: readonly string[];
  heartbeatMs?: number;
}

export const agentView = (agent: StoredAgent): AgentStateView => ({
  agentId: agent.agentId,
  status: agent.status,
  since: agent.since,
  ...(agent.reason !== undefined ? { reason: agent.reason } : {}),
  ...(agent.callId !== undefined ? { callId: agent.callId } : {}),
  ...(agent.until !== undefined ? { until: agent.until } : {}),
  logoutPending: agent.logoutPending,
});

/** What a console or wallboard needs the moment it (re)connects: its user, the agent's state and ringing pop, or every agent. */
export async function snapshotFor(store: AcdStore, pops: PopService, user: SessionUserView, wallboard?: WallboardFeed): Promise<Extract<ServerMessage, { type: 'snapshot' }>> {
  const base = { type: 'snapshot' as const, serverTime: Date.now(), user };
  if (user.role === 'agent') {
    const [agent, pop] = await Promise.all([store.getAgent(user.userId), pops.current(user.userId)]);
    return { ...base, agent: agent ? agentView(agent) : null, pop };
  }
  const [roster, figures] = await Promise.all([store.roster(), wallboard?.snapshot()]);
  return { ...base, agent: null, pop: null, agents: roster.map(agentView), ...(figures ? { wallboard: figures } : {}) };
}

/**
 * Redis lost the ACD's state: every agent with a console here and no state now is told they are logged out
 * and why (the console asks them to log in again). Told by their own node, so no pub/sub message can be lost
 * while the subscriber reconnects to the restarted Redis.
 */
export async function tellAgentsStateLost(hub: RealtimeHub, store: AcdStore): Promise<void> {
  for (const agentId of hub.connectedAgents()) {
    if (await store.getAgent(agentId)) continue;
    hub.toAgent(agentId, { type: 'agent.state', agentId, from: 'logged_out', to: 'logged_out', reason: STATE_LOST, at: Date.now() });
  }
}

/** The realtime channel of this node: its hub (a Redis subscriber of its own) and the `/ws` route. */
export async function registerRealtime(app: FastifyInstance, deps: RealtimeDependencies): Promise<RealtimeHub> {
  // A subscribed connection can do nothing else: it gets its own.
  const hub = new RealtimeHub(deps.redis.duplicate(), deps.keyPrefix, deps.logger);
  await hub.start();
  const wallboard = deps.wallboard ? wallboardFeedOf(hub, deps, deps.wallboard) : undefined;
  wallboard?.start();
  app.addHook('onClose', async () => {
    wallboard?.stop();
    await hub.stop();
  });
  await registerRealtimeRoute(app, {
    hub,
    snapshot: (user) => snapshotFor(deps.store, deps.pops, user, wallboard),
    ...(deps.allowedOrigins ? { allowedOrigins: deps.allowedOrigins } : {}),
    ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
  });
  return hub;
}

function wallboardFeedOf(hub: RealtimeHub, deps: RealtimeDependencies, sources: NonNullable<RealtimeDependencies['wallboard']>): WallboardFeed {
  const keys = new WallboardKeys(deps.store.keys);
  return new WallboardFeed({
    hub,
    reader: new FiguresReader(deps.redis, keys, sources.timezone),
    store: deps.store,
    names: new AgentNames(sources.db),
    redis: deps.redis,
    keys,
    queues: sources.queues,
    logger: deps.logger,
  });
}
