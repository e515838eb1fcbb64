import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, secretsOf, type Config } from '../../src/config/env.js';
import { createMetrics } from '../../src/metrics/registry.js';
import type { ReadinessCheck } from '../../src/ops/readiness.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { capturedLogger } from './logs.js';
import { createTestRedis } from './redis.js';
import { TEST_REDIS_URL } from './env.js';

export const TEST_API_KEY = 'test-api-key-0123456789';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  db: TestDatabase;
  logs: string[];
  auth: { authorization: string };
}

/** The real app on a database and Redis prefix of the test's own, closed at teardown. */
export async function buildTestApp(t: Test, env: Record<string, string> = {}, readinessChecks: ReadinessCheck[] = []): Promise<TestApp> {
  const db = await createTestDatabase(t);
  const { redis, prefix } = await createTestRedis(t);
  const config = loadConfig({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, API_KEYS: TEST_API_KEY, DEFAULT_REGION: 'CN', ...env });
  const { logger, lines } = capturedLogger(secretsOf(config));
  const app = await buildApp({ config, logger, db: db.pool, redis, metrics: createMetrics(), readinessChecks });
  t.teardown(() => app.close());
  return { app, config, db, logs: lines, auth: { authorization: `Bearer ${TEST_API_KEY}` } };
}
