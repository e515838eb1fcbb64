import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUDIT_ACTIONS } from '../../audit/actions.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { RingsideError } from '../../errors.js';
import { Username } from '../../users/schemas.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }];
const DEFAULT_LIMIT = 100;

const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.Union([Username, Type.Literal('api-key')], { description: 'who acted: a username, or `api-key`' })),
    agentId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'the agent acted on' })),
    callId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', description: 'the call acted on' })),
    action: Type.Optional(Type.String({ enum: [...AUDIT_ACTIONS] })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after (ISO 8601 with a zone)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'at or before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: DEFAULT_LIMIT })),
  },
  { additionalProperties: false },
);

const AuditRow = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), username: Type.String(), role: Type.String() }),
  action: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('attempted'), Type.Literal('succeeded'), Type.Literal('failed')]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

/** The audit log over REST, for supervisors and admins. */
export function registerAuditRoutes(parent: FastifyInstance, audit: AuditLog): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/audit',
    {
      config: { roles: ['supervisor', 'admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Supervisors\' actions (monitoring, forced agent states, changed calls), newest first',
        description: '`outcome` is `attempted` until the action has run: the row is written first, and an action whose row cannot be written is refused.',
        security: SECURITY,
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditRow), 400: ErrorRef },
      },
    },
    async (request) => {
      const { actor, agentId, callId, action, from, to, limit } = request.query;
      const fromDate = from === undefined ? undefined : new Date(from);
      const toDate = to === undefined ? undefined : new Date(to);
      if (fromDate && toDate && fromDate > toDate) throw new RingsideError('invalid_range', '`from` must not be after `to`', 400);
      return audit.list({ actor, agentId, callId, action, from: fromDate, to: toDate, limit: limit ?? DEFAULT_LIMIT });
    },
  );
}
