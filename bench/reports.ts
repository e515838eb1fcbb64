import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool, type Pool } from '../src/db/pool.js';
import { createLogger } from '../src/logging/logger.js';
import { createMetrics } from '../src/metrics/registry.js';
import { createRedis, deleteKeysMatching } from '../src/redis/client.js';
import { ReportRollup } from '../src/reports/report-rollup.js';
import { seedCrm } from '../src/seed/seed.js';
import { round, summarise } from './stats.js';

const DATABASE_URL = process.env.BENCH_REPORTS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench_reports';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 30);
const CALLS_PER_DAY = Number(process.env.BENCH_CALLS_PER_DAY ?? 100_000);
const CUSTOMERS = 10_000;
const RUNS = 10;
const TIMEZONE = 'Asia/Shanghai';
const API_KEY = 'bench-reports-key-0123456789';
const SEARCH_LIMIT = 50;

async function historyCalls(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM interactions WHERE call_id LIKE 'history-%'");
  return rows[0]!.count;
}

/** Reused when it already holds exactly this history; otherwise made again from nothing. */
async function preparedDatabase(): Promise<{ seededSeconds: number | null }> {
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const probe = createPool(DATABASE_URL, 1);
  const calls = await historyCalls(probe).finally(() => probe.end());
  if (calls === DAYS * CALLS_PER_DAY) {
    console.log(`bench database already holds ${calls} calls of history`);
    return { seededSeconds: null };
  }
  await dropDatabase(DATABASE_URL);
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const pool = createPool(DATABASE_URL, 8);
  try {
    console.log(`seeding ${CUSTOMERS} customers and ${DAYS} days × ${CALLS_PER_DAY} calls…`);
    const result = await seedCrm(pool, { customers: CUSTOMERS, history: { days: DAYS, callsPerDay: CALLS_PER_DAY, timezone: TIMEZONE } });
    console.log(`seeded in ${result.seconds.toFixed(1)} s: ${JSON.stringify(result.rows)}`);
    return { seededSeconds: result.seconds };
  } finally {
    await pool.end();
  }
}

/**
 * The reports' speed over a month of a busy center: a whole day (100,000 calls) in 15-minute intervals per
 * queue and per agent, and interaction searches, each through the HTTP app (validation, query, JSON).
 */
export async function reportsBenchmark(): Promise<Record<string, number>> {
  const { seededSeconds } = await preparedDatabase();
  const prefix = `bench-reports-${process.pid}:`;
  const config = loadConfig({ DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX: prefix, API_KEYS: API_KEY, CENTER_TIMEZONE: TIMEZONE, LOG_LEVEL: 'warn' });
  const pool = createPool(DATABASE_URL, 4);
  const redis = createRedis(REDIS_URL, prefix);
  await redis.connect();
  const app = await buildApp({ config, logger: createLogger({ level: 'warn', secrets: [API_KEY] }), db: pool, redis, metrics: createMetrics() });
  try {
    const calls = await historyCalls(pool);
    const { rows: days } = await pool.query<{ day: string; calls: number }>(
      `SELECT (arrived_at AT TIME ZONE $1)::date::text AS day, count(*)::int AS calls FROM interactions
        WHERE call_id LIKE 'history-%' GROUP BY 1 ORDER BY 1`,
      [TIMEZONE],
    );
    const day = days[Math.floor(days.length / 2)]!;
    const { rows: someone } = await pool.query<{ customer_id: string; agent_id: string }>(
      "SELECT customer_id::text, agent_id::text FROM interactions WHERE call_id LIKE 'history-%' AND customer_id IS NOT NULL AND agent_id IS NOT NULL LIMIT 1",
    );

    const time = async (url: string, headers: Record<string, string> = {}): Promise<{ ms: number; bytes: number; rows: number }> => {
      const started = performance.now();
      const response = await app.inject({ url, headers: { authorization: `Bearer ${API_KEY}`, ...headers } });
      const ms = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      const rows = headers.accept === 'text/csv' ? response.body.split('\n').length - 2 : ((response.json<{ rows?: unknown[]; interactions?: unknown[] }>().rows ?? response.json<{ interactions: unknown[] }>().interactions)?.length ?? 0);
      return { ms, bytes: response.body.length, rows };
    };
    const measure = async (urls: string[], headers: Record<string, string> = {}) => {
      for (const url of urls) await time(url, headers); // warm-up: plans, caches
      const samples: number[] = [];
      let last = { ms: 0, bytes: 0, rows: 0 };
      for (let run = 0; run < RUNS; run++) {
        for (const url of urls) {
          last = await time(url, headers);
          samples.push(last.ms);
        }
      }
      return { ...summarise(samples), bytes: last.bytes, rows: last.rows };
    };

    // What the server's minute-by-minute roll-up does after a restart on history it has not rolled up yet.
    const rollupStarted = performance.now();
    const rolledBuckets = await new ReportRollup(pool, createLogger({ level: 'warn' })).rollStale([]);
    const rollupSeconds = (performance.now() - rollupStarted) / 1000;
    console.log(`rolled up ${rolledBuckets} stale 15-minute buckets in ${rollupSeconds.toFixed(1)} s`);

    const daily = `from=${day.day}&to=${day.day}&interval=15`;
    // Cold: the day's calls all changed since the last roll-up, so the report rolls the day up itself first.
    const coldRuns: number[] = [];
    for (let run = 0; run < 3; run++) {
      await pool.query('UPDATE report_buckets SET rolled_version = NULL WHERE (bucket AT TIME ZONE $1)::date = $2::date', [TIMEZONE, day.day]);
      coldRuns.push((await time(`/api/reports/agents?${daily}`)).ms);
    }
    const cold = summarise(coldRuns);
    const queues = await measure([`/api/reports/queues?${daily}`]);
    const queuesCsv = await measure([`/api/reports/queues?${daily}`], { accept: 'text/csv' });
    const agents = await measure([`/api/reports/agents?${daily}`]);
    const search = await measure([
      `/api/interactions?limit=${SEARCH_LIMIT}`,
      `/api/interactions?queue=support&outcome=abandoned&from=${day.day}&to=${day.day}&limit=${SEARCH_LIMIT}`,
      `/api/interactions?customerId=${someone[0]!.customer_id}&limit=${SEARCH_LIMIT}`,
      `/api/interactions?agentId=${someone[0]!.agent_id}&from=${day.day}&to=${day.day}&limit=${SEARCH_LIMIT}`,
      `/api/interactions?outcome=callback&limit=${SEARCH_LIMIT}`,
    ]);

    console.log(`${calls} calls over ${days.length} days; the day measured: ${day.day} (${day.calls} calls, ${TIMEZONE})`);
    console.log(`daily queue report, 15 min:  p50 ${queues.p50.toFixed(1)} ms, p99 ${queues.p99.toFixed(1)} ms (${queues.rows} rows, ${queues.bytes} bytes)`);
    console.log(`  the same as CSV:           p50 ${queuesCsv.p50.toFixed(1)} ms, p99 ${queuesCsv.p99.toFixed(1)} ms`);
    console.log(`daily agent report, 15 min:  p50 ${agents.p50.toFixed(1)} ms, p99 ${agents.p99.toFixed(1)} ms (${agents.rows} rows, ${agents.bytes} bytes)`);
    console.log(`  cold (the day rolled up first): p50 ${cold.p50.toFixed(1)} ms, max ${cold.max.toFixed(1)} ms`);
    console.log(`search (5 kinds, ${SEARCH_LIMIT} a page): p50 ${search.p50.toFixed(1)} ms, p99 ${search.p99.toFixed(1)} ms`);
    return {
      calls,
      days: days.length,
      day_calls: day.calls,
      ...(seededSeconds !== null ? { seed_s: round(seededSeconds, 1) } : {}),
      daily_queue_report_ms: round(queues.p50, 1),
      daily_queue_report_p99_ms: round(queues.p99, 1),
      daily_queue_report_csv_ms: round(queuesCsv.p50, 1),
      daily_agent_report_ms: round(agents.p50, 1),
      daily_agent_report_p99_ms: round(agents.p99, 1),
      daily_agent_report_rows: agents.rows,
      daily_agent_report_cold_ms: round(cold.p50, 1),
      ...(rolledBuckets > 0 ? { rollup_buckets: rolledBuckets, rollup_s: round(rollupSeconds, 1) } : {}),
      search_ms: round(search.p50, 1),
      search_p99_ms: round(search.p99, 1),
      under_a_second: Number(queues.p99 < 1000 && agents.p99 < 1000),
    };
  } finally {
    await app.close();
    await pool.end();
    await redis.quit();
    await deleteKeysMatching(REDIS_URL, `${prefix}*`);
  }
}
