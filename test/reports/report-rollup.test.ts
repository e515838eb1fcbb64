import t, { type Test } from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { agentIntervalReport, queueIntervalReport, type IntervalReportQuery, type QueueThreshold } from '../../src/reports/interval-report.js';
import { parseReportRange, type IntervalMinutes } from '../../src/reports/report-range.js';
import { ReportRollup } from '../../src/reports/report-rollup.js';
import { addUser } from '../helpers/auth.js';
import { createTestDatabase } from '../helpers/database.js';
import { insertCalls, scriptedDay } from './calls.js';

const ZONE = 'Asia/Shanghai';
const DEFAULTS: QueueThreshold[] = [];

async function scripted(t: Test) {
  const db = await createTestDatabase(t);
  const ann = await addUser(db.pool, 'ann', 'agent');
  const ben = await addUser(db.pool, 'ben', 'agent');
  const { rows } = await db.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('Wang Fang'), ('Li Lei') RETURNING id::int");
  await insertCalls(db.pool, scriptedDay(ann, ben, [rows[0]!.id, rows[1]!.id]));
  const rollup = new ReportRollup(db.pool, createLogger({ level: 'silent' }));
  const query = (intervalMinutes: IntervalMinutes, thresholds = DEFAULTS): IntervalReportQuery => ({
    ...parseReportRange({ from: '2026-06-01', to: '2026-06-01' }, intervalMinutes, ZONE),
    intervalMinutes,
    timezone: ZONE,
    thresholds,
  });
  const bucketState = async (at: string) =>
    (await db.pool.query<{ version: number; rolled_version: number | null }>('SELECT version::int, rolled_version::int FROM report_buckets WHERE bucket = $1', [at])).rows[0];
  return { db, rollup, query, bucketState, ann: String(ann), ben: String(ben) };
}

t.test('the roll-up gives the figures the calls give, at 15, 30 and 60 minutes', async (t) => {
  const { db, rollup, query } = await scripted(t);
  for (const minutes of [15, 30, 60] as const) {
    t.same(await queueIntervalReport(db.pool, query(minutes), rollup), await queueIntervalReport(db.pool, query(minutes)), `queues, ${minutes} min`);
    t.same(await agentIntervalReport(db.pool, query(minutes), rollup), await agentIntervalReport(db.pool, query(minutes)), `agents, ${minutes} min`);
  }
  const { rows } = await db.pool.query<{ buckets: number; fresh: number }>('SELECT count(*)::int AS buckets, count(*) FILTER (WHERE rolled_version = version)::int AS fresh FROM report_buckets');
  t.ok(rows[0]!.buckets >= 96, 'every bucket of the day is known, calls or not');
  t.equal(rows[0]!.fresh, rows[0]!.buckets - 1, 'all rolled up but the next day\'s call, outside the range');
});

t.test('a change to a rolled-up call is in the next report; a note is not a change', async (t) => {
  const { db, rollup, query, bucketState } = await scripted(t);
  const before = await queueIntervalReport(db.pool, query(15), rollup);
  t.match(before.rows.find((row) => row.intervalStartLocal === '2026-06-01 18:00'), { offered: 1, answered: 0 });
  const rolled = await bucketState('2026-06-01T10:00:00Z');
  t.equal(rolled?.rolled_version, rolled?.version, 'rolled up');

  await db.pool.query("UPDATE interactions SET notes = 'called back' WHERE queued_at >= '2026-06-01T10:00:00Z' AND queued_at < '2026-06-01T10:15:00Z'");
  t.same(await bucketState('2026-06-01T10:00:00Z'), rolled, 'a note leaves the bucket valid');

  // The callback's call is answered after all (a correction), 50 s after it queued.
  await db.pool.query(
    "UPDATE interactions SET answered_at = queued_at + interval '50 seconds', outcome = 'answered' WHERE queued_at >= '2026-06-01T10:00:00Z' AND queued_at < '2026-06-01T10:15:00Z'",
  );
  const touched = await bucketState('2026-06-01T10:00:00Z');
  t.ok(touched!.version > rolled!.version, 'the bucket is stale');
  const after = await queueIntervalReport(db.pool, query(15), rollup);
  t.match(after.rows.find((row) => row.intervalStartLocal === '2026-06-01 18:00'), { offered: 1, answered: 1, asaSeconds: 50, serviceLevelPercent: 0 });
  t.same(after, await queueIntervalReport(db.pool, query(15)), 'the same as from the calls');
});

t.test('a call moved to another bucket leaves both stale; a deleted one too', async (t) => {
  const { db, rollup, query, bucketState } = await scripted(t);
  await rollup.refresh(query(15).from, query(15).to, DEFAULTS);
  await db.pool.query("UPDATE interactions SET queued_at = '2026-06-01T10:20:00Z' WHERE queued_at >= '2026-06-01T10:00:00Z' AND queued_at < '2026-06-01T10:15:00Z'");
  for (const bucket of ['2026-06-01T10:00:00Z', '2026-06-01T10:15:00Z']) {
    const state = await bucketState(bucket);
    t.not(state?.rolled_version, state?.version, `${bucket} stale`);
  }
  t.same(await queueIntervalReport(db.pool, query(15), rollup), await queueIntervalReport(db.pool, query(15)), 'moved');
  await db.pool.query("DELETE FROM interactions WHERE queued_at = '2026-06-01T10:20:00Z'");
  const report = await queueIntervalReport(db.pool, query(15), rollup);
  t.notOk(report.rows.some((row) => row.intervalStartLocal === '2026-06-01 18:15'), 'deleted');
  t.same(report, await queueIntervalReport(db.pool, query(15)));
});

t.test('new thresholds are rolled up again', async (t) => {
  const { db, rollup, query } = await scripted(t);
  const billing = (report: Awaited<ReturnType<typeof queueIntervalReport>>) => report.rows.find((row) => row.queue === 'billing');
  t.match(billing(await queueIntervalReport(db.pool, query(15), rollup)), { answeredWithinThreshold: 0, serviceLevelPercent: 0 }, '25 s against the default 20 s');
  const thirty = [{ name: 'billing', serviceLevelSeconds: 30 }];
  t.match(billing(await queueIntervalReport(db.pool, query(15, thirty), rollup)), { serviceLevelSeconds: 30, answeredWithinThreshold: 1, serviceLevelPercent: 100 }, 'against 30 s');
});

t.test('the minute roll-up takes every stale bucket once', async (t) => {
  const { rollup } = await scripted(t);
  t.equal(await rollup.rollStale(DEFAULTS), 4, 'the scripted calls\' buckets: 09:00, 09:15, 10:00 and the next day\'s 17:00');
  t.equal(await rollup.rollStale(DEFAULTS), 0, 'nothing left');
});

t.test('a call written while its bucket is rolled up is not lost from the roll-up', async (t) => {
  const { db, rollup, query } = await scripted(t);
  await rollup.refresh(query(15).from, query(15).to, DEFAULTS);
  await db.pool.query("UPDATE report_buckets SET rolled_version = NULL WHERE bucket = '2026-06-01T10:00:00Z'");
  // A writer changes a call of that stale bucket and has not committed: its trigger holds the bucket's row.
  const writer = await db.pool.connect();
  t.teardown(() => writer.release());
  await writer.query('BEGIN');
  await writer.query("UPDATE interactions SET answered_at = queued_at + interval '5 seconds', outcome = 'answered' WHERE outcome = 'callback'");
  const rolling = rollup.refresh(query(15).from, query(15).to, DEFAULTS);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await writer.query('COMMIT');
  await rolling;
  const report = await queueIntervalReport(db.pool, query(15), rollup);
  t.match(report.rows.find((row) => row.intervalStartLocal === '2026-06-01 18:00'), { answered: 1 }, 'the committed change is in');
  t.same(report, await queueIntervalReport(db.pool, query(15)));
});

t.test('a range off the 15-minute buckets is read from the calls', async (t) => {
  const { db, rollup } = await scripted(t);
  const range = parseReportRange({ from: '2026-06-01T17:05', to: '2026-06-01T17:10' }, 15, ZONE);
  const report = await queueIntervalReport(db.pool, { ...range, intervalMinutes: 15, timezone: ZONE, thresholds: DEFAULTS }, rollup);
  t.match(report.totals, [{ queue: 'support', offered: 5 }], 'the five calls queued 17:05–17:10');
  const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM report_rollup');
  t.equal(rows[0]!.count, 0, 'nothing rolled up for it');
});
