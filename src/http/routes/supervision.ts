import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../audit/actor.js';
import { RingsideError } from '../../errors.js';
import { MONITOR_MODES } from '../../supervision/modes.js';
import type { Supervision } from '../../supervision/supervision.js';
import { Endpoint } from '../../users/schemas.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }];
const SUPERVISORS = { roles: ['supervisor', 'admin'] as const };

const Mode = Type.Union(MONITOR_MODES.map((mode) => Type.Literal(mode)));
const Monitor = Type.Object({
  supervisorId: Type.String(),
  agentId: Type.String(),
  callId: Type.String(),
  mode: Mode,
  state: Type.Union([Type.Literal('ringing'), Type.Literal('connected'), Type.Literal('ended')], { description: 'ringing: the supervisor\'s phone rings; the mode applies on answer' }),
  endpoint: Type.String(),
  startedAt: Type.Integer({ description: 'epoch ms' }),
});

/** Listen, whisper and barge on agents' calls handled by this node (src/supervision). */
export function registerSupervisionRoutes(parent: FastifyInstance, supervision: Supervision): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/agents/:agentId/monitor',
    {
      config: SUPERVISORS,
      schema: {
        tags: ['supervision'],
        summary: 'Listen to, whisper to (coach) or barge into an agent\'s call; on a running session, switch its mode',
        description:
          'Rings the supervisor\'s phone (`endpoint`, else their defaultEndpoint). listen: hears caller and agent; whisper: the agent hears the supervisor, the caller does not; barge: everyone hears everyone. ' +
          'One session per supervisor: 409 `already_monitoring` on another agent. 409 `agent_not_on_call`, 409 `call_on_other_node`. Audited.',
        security: SECURITY,
        params: Type.Object({ agentId: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
        body: Type.Object({ mode: Mode, endpoint: Type.Optional(Endpoint) }, { additionalProperties: false }),
        response: { 200: Monitor, 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, 502: ErrorRef, 503: ErrorRef },
      },
    },
    async (request) => supervision.monitor(actorOf(request.principal), request.params.agentId, request.body.mode, request.body.endpoint),
  );

  app.get(
    '/monitor',
    { config: SUPERVISORS, schema: { tags: ['supervision'], summary: 'Your monitoring session on this node', security: SECURITY, response: { 200: Monitor, 404: ErrorRef } } },
    (request, reply) => {
      const actor = actorOf(request.principal);
      const view = actor.id === null ? null : supervision.current(String(actor.id));
      if (!view) throw new RingsideError('not_monitoring', 'you are not monitoring a call on this node', 404);
      return reply.send(view);
    },
  );

  app.delete(
    '/monitor',
    {
      config: SUPERVISORS,
      schema: { tags: ['supervision'], summary: 'Stop monitoring: your phone is hung up, the call goes on', security: SECURITY, response: { 200: Monitor, 404: ErrorRef, 503: ErrorRef } },
    },
    async (request) => supervision.stop(actorOf(request.principal)),
  );
}
