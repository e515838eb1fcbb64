import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { checkReadiness, type ReadinessCheck } from '../../ops/readiness.js';
import type { RingsideMetrics } from '../../metrics/registry.js';

const ReadinessBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) })),
});

/** Endpoints for load balancers, orchestrators and Prometheus; open without credentials, they reveal no data. */
export function registerOperationsRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[], metrics: RingsideMetrics): void {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'The process is alive',
        response: { 200: Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() }) },
      },
    },
    (_request, reply) => reply.send({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Every dependency (PostgreSQL, Redis, ...) answers; 503 names the ones that do not',
        response: { 200: ReadinessBody, 503: ReadinessBody },
      },
    },
    async (_request, reply) => {
      const report = await checkReadiness(checks);
      return reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
    },
  );

  app.get(
    '/metrics',
    { config: { public: true }, schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
}
