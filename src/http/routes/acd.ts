import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AGENT_STATUSES, type AgentStatus } from '../../agents/agent-state.js';
import { AGENT_REQUESTS, type AgentRequest } from '../../acd/agent-control.js';
import { actorOf } from '../../audit/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { notFound } from '../../errors.js';
import { MAX_PRIORITY, QueueName } from '../../routing/schema.js';
import type { AcdService } from '../../telephony/telephony-service.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const SUPERVISION = ['supervisor', 'admin', 'integration'] as const;
/** An agent sees and changes their own state only (agentSelfParam, and the list filtered to them). */
const AGENTS_AND_SUPERVISION = ['agent', ...SUPERVISION] as const;
const AgentId = Type.String({ pattern: '^[0-9]{1,18}$', description: 'the agent\'s user id' });
const CallId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$' });

const Status = Type.Unsafe<AgentStatus>(Type.String({ enum: [...AGENT_STATUSES] }));
const Request = Type.Unsafe<AgentRequest>(Type.String({ enum: [...AGENT_REQUESTS] }));

const AgentStateEvent = Type.Object({
  agentId: Type.String(),
  from: Status,
  to: Status,
  reason: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
  at: Type.Integer({ description: 'epoch ms' }),
});

const Agent = Type.Object({
  agentId: Type.String(),
  displayName: Type.String(),
  status: Status,
  since: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
  logoutPending: Type.Boolean(),
  callsToday: Type.Integer(),
  skills: Type.Record(Type.String(), Type.Integer()),
  queues: Type.Array(Type.String()),
});

const WaitingCall = Type.Object({
  callId: Type.String(),
  position: Type.Integer(),
  queue: Type.String({ description: 'the call\'s own queue (it may also wait in queues an escalation added)' }),
  state: Type.Union([Type.Literal('waiting'), Type.Literal('offered')]),
  waitedSeconds: Type.Number(),
  priority: Type.Integer(),
  skills: Type.Record(Type.String(), Type.Integer()),
});

/**
 * The ACD over REST: agents' states (log in, pause with a configured reason,
 * resume, end wrap-up, log out), queues with their waiting calls, and a
 * supervisor's live change of a waiting call's priority or queue.
 */
export function registerAcdRoutes(parent: FastifyInstance, acd: AcdService, audit?: AuditLog): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  /** Supervisors' actions are audited first (AuditLog); without a log (tests of the ACD alone) they just run. */
  const audited = <T>(entry: Parameters<AuditLog['audited']>[0], action: () => Promise<T>, describe?: (result: T) => Record<string, unknown>): Promise<T> =>
    audit ? audit.audited(entry, action, describe) : action();

  app.get(
    '/agents',
    {
      config: { roles: AGENTS_AND_SUPERVISION },
      schema: { tags: ['acd'], summary: 'Every agent with a phone, and their live state (an agent: only themselves)', security: SECURITY, response: { 200: Type.Array(Agent) } },
    },
    async (request) => {
      const states = new Map((await acd.store.roster()).map((agent) => [agent.agentId, agent]));
      const principal = request.principal;
      const visible = principal?.kind === 'user' && principal.role === 'agent' ? acd.agents().filter((agent) => agent.agentId === String(principal.user.id)) : acd.agents();
      return visible.map((agent) => {
        const state = states.get(agent.agentId);
        return {
          agentId: agent.agentId,
          displayName: agent.displayName,
          status: state?.status ?? 'logged_out',
          since: state?.since ?? null,
          ...(state?.reason !== undefined ? { reason: state.reason } : {}),
          ...(state?.callId !== undefined ? { callId: state.callId } : {}),
          logoutPending: state?.logoutPending ?? false,
          callsToday: state?.callsToday ?? 0,
          skills: agent.skills,
          queues: agent.queues,
        };
      });
    },
  );

  app.post(
    '/agents/:agentId/state',
    {
      config: { roles: AGENTS_AND_SUPERVISION, agentSelfParam: 'agentId' },
      schema: {
        tags: ['acd'],
        summary: 'Change an agent\'s state: login, pause (with a reason), resume, end_wrap_up, logout',
        description: 'Illegal transitions answer 409 `illegal_transition` with `from`, `to` and `action`; a logout during a call answers the event with reason `logout_pending` and happens after the call.',
        security: SECURITY,
        params: Type.Object({ agentId: AgentId }),
        body: Type.Object(
          { action: Request, reason: Type.Optional(Type.String({ maxLength: 32 })) },
          { additionalProperties: false },
        ),
        response: { 200: AgentStateEvent, 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, 503: ErrorRef },
      },
    },
    async (request) => {
      const { agentId } = request.params;
      const { action, reason } = request.body;
      const apply = () => acd.control.apply(agentId, action, reason);
      const principal = request.principal;
      // An agent's own changes are their work, not a supervisor's action.
      if (principal?.kind === 'user' && String(principal.user.id) === agentId) return apply();
      return audited({ actor: actorOf(principal), action: 'agent.state', agentId, details: { request: action, ...(reason !== undefined ? { reason } : {}) } }, apply, (event) => ({ from: event.from, to: event.to }));
    },
  );

  app.get(
    '/queues',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['acd'],
        summary: 'The queues of the routing rules, with calls waiting and agents available now',
        security: SECURITY,
        response: { 200: Type.Array(Type.Object({ name: Type.String(), strategy: Type.String(), serviceLevelSeconds: Type.Integer(), waiting: Type.Integer(), available: Type.Integer() })) },
      },
    },
    async () =>
      Promise.all(
        acd
          .rules()
          .queues()
          .map(async (queue) => ({
            name: queue.name,
            strategy: queue.strategy,
            serviceLevelSeconds: queue.serviceLevelSeconds,
            waiting: (await acd.store.waitingCalls(queue.name)).length,
            available: (await acd.store.availableAgents(queue.name)).length,
          })),
      ),
  );

  app.get(
    '/queues/:queue/calls',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['acd'],
        summary: 'Calls waiting in a queue, first in line first',
        security: SECURITY,
        params: Type.Object({ queue: QueueName }),
        response: { 200: Type.Array(WaitingCall), 404: ErrorRef },
      },
    },
    async (request) => {
      const { queue } = request.params;
      if (!acd.rules().queue(queue)) throw notFound(`queue ${queue}`);
      const ids = await acd.store.waitingCalls(queue);
      const calls = await Promise.all(ids.map(async (callId) => ({ callId, held: await acd.store.getCall(callId) })));
      const now = Date.now();
      return calls.flatMap(({ callId, held }, index) =>
        held
          ? [{ callId, position: index + 1, queue: held.queue, state: held.state, waitedSeconds: Math.round((now - held.enqueuedAt) / 100) / 10, priority: held.priority, skills: held.skills }]
          : [],
      );
    },
  );

  app.patch(
    '/calls/:callId',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['acd'],
        summary: 'Change a waiting call live: its priority (seconds of head start) or its queue',
        description: 'Takes effect at once: the call moves in line, and is offered if an agent fits. The call keeps its arrival time.',
        security: SECURITY,
        params: Type.Object({ callId: CallId }),
        body: Type.Object(
          { priority: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRIORITY })), queue: Type.Optional(QueueName) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 204: Type.Null(), 400: ErrorRef, 404: ErrorRef, 503: ErrorRef },
      },
    },
    async (request, reply) => {
      const { callId } = request.params;
      await audited({ actor: actorOf(request.principal), action: 'call.change', callId, details: { ...request.body } }, () => acd.dispatcher.changeCall(callId, request.body));
      return reply.status(204).send(null);
    },
  );
}
