import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig, secretsOf } from '../src/config/env.js';
import { createPool } from '../src/db/pool.js';
import { createMetrics } from '../src/metrics/registry.js';
import { createRedis } from '../src/redis/client.js';
import { buildTestApp, TEST_API_KEY } from './helpers/app.js';
import { capturedLogger } from './helpers/logs.js';

t.test('/health, /ready, /metrics and /docs', async (t) => {
  const { app } = await buildTestApp(t);
  const health = await app.inject({ url: '/health' });
  t.equal(health.statusCode, 200);
  t.equal(health.json<{ status: string }>().status, 'ok');

  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } });

  await app.inject({ url: '/api/customers?name=x', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  const metrics = await app.inject({ url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /^text\/plain/);
  t.match(metrics.body, /process_cpu_user_seconds_total/);
  t.match(metrics.body, /nodejs_eventloop_lag_seconds/);
  t.match(metrics.body, /ringside_http_request_duration_seconds_count\{method="GET",route="\/api\/customers",status="200"\} 1/);

  const openapi = await app.inject({ url: '/docs/json' });
  t.equal(openapi.statusCode, 200);
  const spec = openapi.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
  t.match(spec.openapi, /^3\./);
  for (const path of ['/api/customers', '/api/customers/{id}', '/api/caller-lookup', '/health', '/ready']) t.ok(spec.paths[path], `documents ${path}`);
  t.ok(spec.paths['/api/customers']!.post, 'documents POST /api/customers');
  const ui = await app.inject({ url: '/docs/' });
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});

t.test('/ready answers 503 and names what is down', async (t) => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://ringside:pg-secret-password@127.0.0.1:1/ringside',
    REDIS_URL: 'redis://:redis-secret-password@127.0.0.1:1',
    API_KEYS: TEST_API_KEY,
  });
  const { logger, lines } = capturedLogger(secretsOf(config));
  const db = createPool(config.database.url, 1);
  const redis = createRedis(config.redis.url, 'ringside-test-down:');
  const app = await buildApp({
    config,
    logger,
    db,
    redis,
    metrics: createMetrics(),
    readinessChecks: [{ name: 'ari', probe: () => Promise.reject(new Error('not connected')) }],
  });
  t.teardown(async () => {
    await app.close();
    await db.end();
    redis.disconnect();
  });
  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 503);
  const body = ready.json<{ status: string; checks: Record<string, { ok: boolean; error?: string }> }>();
  t.equal(body.status, 'unavailable');
  t.same(Object.keys(body.checks).sort(), ['ari', 'postgres', 'redis']);
  for (const name of ['ari', 'postgres', 'redis']) {
    t.equal(body.checks[name]!.ok, false, `${name} down`);
    t.type(body.checks[name]!.error, 'string');
  }
  const failing = await app.inject({ url: '/api/customers/1', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  t.equal(failing.statusCode, 503, 'a database outage is no internal error: the client may retry');
  t.same(failing.json(), { error: 'database_unavailable', message: 'the CRM database is unavailable; try again shortly' });
  t.equal(failing.headers['retry-after'], '5');
  logger.flush();
  const all = lines.join('\n') + ready.body + failing.body;
  for (const secret of ['pg-secret-password', 'redis-secret-password', TEST_API_KEY]) t.notOk(all.includes(secret), `${secret} in no log line or body`);
  t.ok(lines.some((line) => line.includes('request failed')), 'the failure is logged');
});

t.test('request logs carry neither query strings nor credentials', async (t) => {
  const { app, logs, auth } = await buildTestApp(t);
  await app.inject({ url: '/api/caller-lookup?callerId=%2B8613800138000', headers: auth });
  await app.inject({ url: '/api/customers?phone=13800138000', headers: auth });
  const all = logs.join('\n');
  t.match(all, /"route":"\/api\/caller-lookup"/);
  t.notOk(all.includes('13800138000'), 'no phone number at info level');
  t.notOk(all.includes(TEST_API_KEY), 'no API key');
});

t.test('close waits for in-flight requests, then refuses new ones', async (t) => {
  const { app } = await buildTestApp(t);
  let release: () => void = () => undefined;
  app.get('/test-slow', { config: { public: true } }, async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return { done: true };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const inFlight = fetch(`${address}/test-slow`).then(async (response) => ({ status: response.status, body: await response.text().then((text) => JSON.parse(text) as unknown) }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const closing = app.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  release();
  await closing;
  t.same(await inFlight, { status: 200, body: { done: true } }, 'the in-flight request finished');
  await t.rejects(fetch(`${address}/health`), 'no longer accepting');
});
