import type { FastifyInstance } from 'fastify';
import type { AcdStore } from '../acd/acd-store.js';
import type { StoredAgent } from '../acd/types.js';
import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import type { PopService } from '../screenpop/pop-service.js';
import { RealtimeHub } from './hub.js';
import type { AgentStateView, ServerMessage, SessionUserView } from './messages.js';
import { registerRealtimeRoute } from './ws-route.js';

export interface RealtimeDependencies {
  redis: Redis;
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
export async function snapshotFor(store: AcdStore, pops: PopService, user: SessionUserView): Promise<Extract<ServerMessage, { type: 'snapshot' }>> {
  const base = { type: 'snapshot' as const, serverTime: Date.now(), user };
  if (user.role === 'agent') {
    const [agent, pop] = await Promise.all([store.getAgent(user.userId), pops.current(user.userId)]);
    return { ...base, agent: agent ? agentView(agent) : null, pop };
  }
  const roster = await store.roster();
  return { ...base, agent: null, pop: null, agents: roster.map(agentView) };
}

/** The realtime channel of this node: its hub (a Redis subscriber of its own) and the `/ws` route. */
export async function registerRealtime(app: FastifyInstance, deps: RealtimeDependencies): Promise<RealtimeHub> {
  // A subscribed connection can do nothing else: it gets its own.
  const hub = new RealtimeHub(deps.redis.duplicate(), deps.keyPrefix, deps.logger);
  await hub.start();
  app.addHook('onClose', async () => hub.stop());
  await registerRealtimeRoute(app, {
    hub,
    snapshot: (user) => snapshotFor(deps.store, deps.pops, user),
    ...(deps.allowedOrigins ? { allowedOrigins: deps.allowedOrigins } : {}),
    ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
  });
  return hub;
}
