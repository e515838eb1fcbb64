import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config/env.js';
import type { Pool } from './db/pool.js';
import type { Logger } from './logging/logger.js';
import type { RingsideMetrics } from './metrics/registry.js';
import type { ReadinessCheck } from './ops/readiness.js';
import type { Redis } from './redis/client.js';
import { registerAuth } from './auth/register-auth.js';
import type { ThrottleLimits } from './auth/login-throttle.js';
import { SESSION_COOKIE } from './auth/session-cookie.js';
import { ErrorBody, registerErrorHandling } from './http/errors.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { refuseNonFiniteNumbers } from './http/finite-numbers.js';
import { registerOperationsRoutes } from './http/routes/operations.js';
import { registerCustomerRoutes } from './http/routes/customers.js';
import { registerAcdRoutes } from './http/routes/acd.js';
import { registerConsoleRoutes } from './http/routes/console.js';
import { registerReportRoutes } from './http/routes/reports.js';
import { registerCallbackRoutes } from './http/routes/callbacks.js';
import { registerCampaignRoutes } from './http/routes/campaigns.js';
import { registerAuthRoutes } from './http/routes/auth.js';
import { registerUserRoutes } from './http/routes/users.js';
import { registerSupervisionRoutes } from './http/routes/supervision.js';
import { registerAuditRoutes } from './http/routes/audit.js';
import { AuditLog } from './audit/audit-log.js';
import { Supervision } from './supervision/supervision.js';
import { defaultWebRoot, registerWebPages } from './http/web-pages.js';
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
  /** Login throttling limits (tests lower them); the defaults otherwise. */
  loginThrottle?: ThrottleLimits;
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
    // Multi-type schemas (a call attribute is a string, number or boolean) keep a value's own type under coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allowUnionTypes: true } },
    return503OnClosing: true,
    trustProxy: trustProxyOption(deps.config.auth.trustProxy),
  });

  // First, so that the role guard and the route list cover every route registered after it.
  const auth = await registerAuth(app, { config: deps.config, db: deps.db, redis: deps.redis, ...(deps.loginThrottle ? { throttle: deps.loginThrottle } : {}) });
  app.addSchema(ErrorBody);
  registerErrorHandling(app);
  refuseNonFiniteNumbers(app);
  await registerSecurityHeaders(app);
  closeKeepAliveWhileClosing(app);
  registerRequestLogging(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Ringside REST API',
        version: '0.1.0',
        description: 'Contact-center server: CRM customers, caller-ID lookup, ACD agents, queues and waiting calls, operations.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'One of API_KEYS (role integration)' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The cookie POST /api/auth/login sets' },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Its own policy, with hashes for its scripts; Swagger UI sets inline styles as it renders, which its policy forgets.
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/style-src ([^;]*)/, "style-src $1 'unsafe-inline'"),
  });

  const checks: ReadinessCheck[] = [
    { name: 'postgres', probe: async () => void (await deps.db.query('SELECT 1')) },
    { name: 'redis', probe: async () => void (await deps.redis.ping()) },
    ...(deps.readinessChecks ?? []),
  ];
  registerOperationsRoutes(app, checks, deps.metrics);

  await app.register(
    (api, _options, done) => {
      registerAuthRoutes(api, { db: deps.db, auth, secureCookie: deps.config.auth.secureCookie });
      registerUserRoutes(api, { db: deps.db, sessions: auth.sessions });
      registerCustomerRoutes(api, { db: deps.db, region: deps.config.defaultRegion, metrics: deps.metrics });
      const audit = new AuditLog(deps.db, deps.logger);
      registerAuditRoutes(api, audit);
      if (deps.acd) registerAcdRoutes(api, deps.acd, audit);
      if (deps.acd) {
        const supervision = new Supervision({ acd: deps.acd, db: deps.db, audit, logger: deps.logger });
        registerSupervisionRoutes(api, supervision);
        // Before the telephony stops (onClose): the supervisors' legs are hung up while commands still go through.
        api.addHook('preClose', () => supervision.stopAll());
      }
      if (deps.acd) registerCallbackRoutes(api, { db: deps.db, acd: deps.acd, region: deps.config.defaultRegion });
      if (deps.acd) registerCampaignRoutes(api, { db: deps.db, acd: deps.acd, region: deps.config.defaultRegion });
      if (deps.acd) registerConsoleRoutes(api, { db: deps.db, acd: deps.acd, dispositions: deps.config.dispositions, pauseReasons: deps.config.pauseReasons });
      registerReportRoutes(api, { db: deps.db, logger: deps.logger, timezone: deps.config.centerTimezone, queues: () => deps.acd?.rules().queues() ?? [] });
      done();
    },
    { prefix: '/api' },
  );
  await registerWebPages(app, { root: defaultWebRoot() });

  return app;
}

/** Fastify takes a hop count too, but its types do not say so: a count becomes the equivalent function. */
function trustProxyOption(setting: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
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
