import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config/env.js';
import type { Pool } from './db/pool.js';
import type { Logger } from './logging/logger.js';
import type { RingsideMetrics } from './metrics/registry.js';
import type { ReadinessCheck } from './ops/readiness.js';
import type { Redis } from './redis/client.js';
import { apiKeyGuard } from './http/api-key-auth.js';
import { ErrorBody, registerErrorHandling } from './http/errors.js';
import { registerOperationsRoutes } from './http/routes/operations.js';
import { registerCustomerRoutes } from './http/routes/customers.js';
import { registerAcdRoutes } from './http/routes/acd.js';
import type { AcdService } from './telephony/telephony-service.js';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  db: Pool;
  redis: Redis;
  metrics: RingsideMetrics;
  /** The ACD of this node (the server has one; the API works without it for the CRM alone). */
  acd?: AcdService;
  /** Extra dependencies /ready reports on (ARI, once connected). */
  readinessChecks?: ReadinessCheck[];
}

const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds the HTTP app without listening, so tests drive it with inject() or a real port. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  // pino's Logger carries more than Fastify's logger interface; typing it as the base keeps route types default.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    // Request lines are logged below without query strings: those can carry phone numbers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    return503OnClosing: true,
  });

  app.addSchema(ErrorBody);
  registerErrorHandling(app);
  closeKeepAliveWhileClosing(app);
  registerRequestLogging(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Ringside REST API',
        version: '0.1.0',
        description: 'Contact-center server: CRM customers, caller-ID lookup, ACD agents, queues and waiting calls, operations.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'One of API_KEYS' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const checks: ReadinessCheck[] = [
    { name: 'postgres', probe: async () => void (await deps.db.query('SELECT 1')) },
    { name: 'redis', probe: async () => void (await deps.redis.ping()) },
    ...(deps.readinessChecks ?? []),
  ];
  registerOperationsRoutes(app, checks, deps.metrics);

  await app.register(
    (api, _options, done) => {
      api.addHook('onRequest', apiKeyGuard(deps.config.apiKeys));
      registerCustomerRoutes(api, { db: deps.db, region: deps.config.defaultRegion, metrics: deps.metrics });
      if (deps.acd) registerAcdRoutes(api, deps.acd);
      done();
    },
    { prefix: '/api' },
  );

  return app;
}

/**
 * A response finished during shutdown would otherwise leave its keep-alive
 * socket open, and close() would wait out the keep-alive timeout (72 s).
 */
function closeKeepAliveWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

function registerRequestLogging(app: FastifyInstance, metrics: RingsideMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestSeconds.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (route !== '/health' && route !== '/ready' && route !== '/metrics') {
      request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
}
