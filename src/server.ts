import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { CallFlow } from './calls/call-registry.js';
import { requireAriCredentials, secretsOf, type Config } from './config/env.js';
import { ensureDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createMetrics } from './metrics/registry.js';
import { createRedis } from './redis/client.js';
import { createTelephonyService, type TelephonyService } from './telephony/telephony-service.js';
import { registerRealtime, tellAgentsStateLost } from './realtime/realtime-service.js';
import type { RealtimeHub } from './realtime/hub.js';

export interface RunningServer {
  app: FastifyInstance;
  telephony: TelephonyService;
  realtime: RealtimeHub;
  logger: Logger;
  url: string;
  close: () => Promise<void>;
}

/**
 * Production start: schema first (so two nodes starting together agree on it),
 * then the pools, then the HTTP listener. Returns once listening.
 */
export async function startServer(
  config: Config,
  logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) }),
  flow?: CallFlow,
): Promise<RunningServer> {
  requireAriCredentials(config);
  if (await ensureDatabase(config.database.url)) logger.info('created the database');
  const migration = await migrate(config.database.url);
  logger.info({ applied: migration.applied, schemaVersion: migration.version }, 'database schema up to date');

  const db = createPool(config.database.url, config.database.poolSize);
  const redis = createRedis(config.redis.url, config.redis.keyPrefix);
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis not reachable yet; /ready reports it'));

  const metrics = createMetrics();
  const telephony = await createTelephonyService({ config, metrics, db, redis, logger, ...(flow ? { flow } : {}) }).catch(async (error: unknown) => {
    await Promise.allSettled([db.end(), redis.quit()]);
    throw error;
  });
  const app = await buildApp({ config, logger, db, redis, metrics, acd: telephony.acd, readinessChecks: [telephony.readiness] });
  const realtime = await registerRealtime(app, {
    redis,
    keyPrefix: config.redis.keyPrefix,
    store: telephony.acd.store,
    pops: telephony.pops,
    logger,
    allowedOrigins: config.auth.allowedOrigins,
    wallboard: { db, queues: () => telephony.acd.rules().queues(), timezone: config.centerTimezone },
  });
  telephony.onStateLost(() => tellAgentsStateLost(realtime, telephony.acd.store));
  app.addHook('onClose', async () => {
    await telephony.stop();
    await Promise.allSettled([db.end(), redis.quit()]);
  });
  const url = await app.listen({ host: config.http.host, port: config.http.port });
  logger.info({ url, nodeId: config.nodeId, ariApp: config.ari.app }, 'ringside listening');
  await telephony.start();
  return { app, telephony, realtime, logger, url, close: () => app.close() };
}

/** Stops accepting, lets in-flight requests finish, closes pools; gives up after the configured timeout. */
export function closeOnSignals(server: RunningServer, timeoutMs: number): void {
  closeWithGrace({ delay: timeoutMs }, async ({ signal, err }) => {
    if (err) server.logger.error({ err }, 'shutting down after an unexpected error');
    else server.logger.info({ signal }, 'shutting down');
    await server.close();
    server.logger.info('stopped');
    server.logger.flush();
  });
}
