import t from 'tap';
import { queueIntervalReport } from '../../src/reports/interval-report.js';
import { parseReportRange } from '../../src/reports/report-range.js';
import { seedCrm } from '../../src/seed/seed.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, testDatabaseUrl } from '../helpers/database.js';

t.test('seed --history-days: past days of queued calls, and the reports over them add up', async (t) => {
  const db = await createTestDatabase(t);
  const result = await seedCrm(db.pool, { customers: 50, history: { days: 2, callsPerDay: 3000, timezone: 'Europe/London' } });
  t.equal(result.historyCalls, 6000);
  const { rows } = await db.pool.query<{ day: string; calls: number; queued: number; agents: number; customers: number }>(
    `SELECT (arrived_at AT TIME ZONE 'Europe/London')::date::text AS day, count(*)::int AS calls, count(queued_at)::int AS queued,
            count(DISTINCT agent_id)::int AS agents, count(DISTINCT customer_id)::int AS customers
       FROM interactions WHERE call_id LIKE 'history-%' GROUP BY 1 ORDER BY 1`,
  );
  const { rows: today } = await db.pool.query<{ day: string }>("SELECT (now() AT TIME ZONE 'Europe/London')::date::text AS day");
  t.equal(rows.length, 2, 'two days');
  t.ok(rows.every((row) => row.day < today[0]!.day && row.calls === 3000 && row.queued > 2800 && row.agents >= 12 && row.customers === 50), JSON.stringify(rows));

  const range = parseReportRange({ from: rows[0]!.day, to: rows[0]!.day }, 60, 'Europe/London');
  const report = await queueIntervalReport(db.pool, { ...range, intervalMinutes: 60, timezone: 'Europe/London', thresholds: [{ name: 'vip', serviceLevelSeconds: 10 }] });
  t.same(report.totals.map((row) => row.queue), ['billing', 'sales', 'support', 'vip']);
  for (const total of report.totals) {
    const rowsOf = report.rows.filter((row) => row.queue === total.queue);
    t.equal(rowsOf.reduce((sum, row) => sum + row.offered, 0), total.offered, `${total.queue}: intervals add up to the total`);
    t.ok(total.answered + total.abandoned < total.offered && total.serviceLevelPercent! > 30 && total.serviceLevelPercent! < 100, `${total.queue}: ${JSON.stringify(total)}`);
  }
  t.ok(report.rows.length <= 4 * 24 && report.rows.length > 4 * 12, 'hourly rows');
});

t.test('bad history options: one line, exit 1', async (t) => {
  const url = testDatabaseUrl();
  for (const [args, message] of [
    [['--history-days', '0'], /^ringside: option '--history-days <n>' argument '0' is invalid\. expected a whole number from 1 to 400$/m],
    [['--history-days', '2', '--calls-per-day', 'many'], /^ringside: option '--calls-per-day <n>' argument 'many' is invalid\. expected a whole number from 1 to 1000000$/m],
    [['--calls-per-day', '100'], /^ringside: --calls-per-day needs --history-days$/m],
  ] as const) {
    const result = await runCli(['seed', '--customers', '10', ...args], { DATABASE_URL: url });
    t.equal(result.code, 1, args.join(' '));
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /unexpected error/);
  }
  t.rejects(seedCrm((await createTestDatabase(t)).pool, { customers: 10, history: { days: 500, callsPerDay: 10, timezone: 'UTC' } }), /--history-days must be a whole number from 1 to 400/);
});
