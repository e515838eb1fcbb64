import t, { type Test } from 'tap';
import { parse } from 'csv-parse/sync';
import { agentIntervalReport, queueIntervalReport, type AgentIntervalRow, type IntervalReport, type QueueIntervalRow } from '../../src/reports/interval-report.js';
import { parseReportRange } from '../../src/reports/report-range.js';
import { buildTestApp } from '../helpers/app.js';
import { addUser } from '../helpers/auth.js';
import { insertCalls, scriptedDay } from './calls.js';

const ZONE = 'Asia/Shanghai';
type QueueReport = IntervalReport<QueueIntervalRow>;
type AgentReport = IntervalReport<AgentIntervalRow>;
const recordsOf = (body: string): Array<Record<string, string>> => parse<Record<string, string>>(body, { columns: true });

async function scriptedApp(t: Test) {
  const site = await buildTestApp(t, { CENTER_TIMEZONE: ZONE });
  const ann = await addUser(site.db.pool, 'ann', 'agent');
  const ben = await addUser(site.db.pool, 'ben', 'agent');
  const { rows } = await site.db.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('Wang Fang'), ('Li Lei') RETURNING id::int");
  await insertCalls(site.db.pool, scriptedDay(ann, ben, [rows[0]!.id, rows[1]!.id]));
  return { ...site, ann: String(ann), ben: String(ben) };
}

const figures = (offered: number, answered: number, abandoned: number, within: number, sl: number | null, abandonRate: number | null, asa: number | null, aht: number | null, longest: number | null) => ({
  offered,
  answered,
  abandoned,
  answeredWithinThreshold: within,
  serviceLevelPercent: sl,
  abandonRatePercent: abandonRate,
  asaSeconds: asa,
  ahtSeconds: aht,
  longestWaitSeconds: longest,
});

t.test('queue report: 15-minute intervals of a day in the center\'s time zone, with known answers', async (t) => {
  const { app, auth } = await scriptedApp(t);
  const response = await app.inject({ url: '/api/reports/queues?from=2026-06-01&to=2026-06-01&interval=15', headers: auth });
  t.equal(response.statusCode, 200, response.body);
  const report = response.json<QueueReport>();
  t.match(report, { from: '2026-05-31T16:00:00.000Z', to: '2026-06-01T16:00:00.000Z', timezone: ZONE, intervalMinutes: 15 }, 'the center\'s day, to exclusive');
  t.same(report.rows, [
    { intervalStart: '2026-06-01T09:00:00.000Z', intervalStartLocal: '2026-06-01 17:00', queue: 'billing', serviceLevelSeconds: 20, ...figures(1, 1, 0, 0, 0, 0, 25, 120, 25) },
    // 6 of 8 answered within 20 s, 2 abandoned: 6 ÷ 10 = 60 %; ASA 135 ÷ 8; AHT 2,000 ÷ 8; longest: the abandon after 50 s.
    { intervalStart: '2026-06-01T09:00:00.000Z', intervalStartLocal: '2026-06-01 17:00', queue: 'support', serviceLevelSeconds: 20, ...figures(10, 8, 2, 6, 60, 20, 16.9, 250, 50) },
    // The voicemail is offered but in neither part of SL, nor the longest wait.
    { intervalStart: '2026-06-01T09:15:00.000Z', intervalStartLocal: '2026-06-01 17:15', queue: 'support', serviceLevelSeconds: 20, ...figures(2, 1, 0, 0, 0, 0, 30, 60, 30) },
    { intervalStart: '2026-06-01T10:00:00.000Z', intervalStartLocal: '2026-06-01 18:00', queue: 'support', serviceLevelSeconds: 20, ...figures(1, 0, 0, 0, null, null, null, null, null) },
  ]);
  t.same(report.totals, [
    { intervalStart: null, intervalStartLocal: null, queue: 'billing', serviceLevelSeconds: 20, ...figures(1, 1, 0, 0, 0, 0, 25, 120, 25) },
    { intervalStart: null, intervalStartLocal: null, queue: 'support', serviceLevelSeconds: 20, ...figures(13, 9, 2, 6, 54.5, 18.2, 18.3, 228.9, 50) },
  ], 'totals over the day: the IVR abandon and the next day\'s call are in neither');

  const hourly = (await app.inject({ url: '/api/reports/queues?from=2026-06-01T17:00&to=2026-06-01T19:00&interval=60&queue=support', headers: auth })).json<QueueReport>();
  t.same(hourly.rows.map((row) => [row.intervalStartLocal, row.offered, row.serviceLevelPercent]), [
    ['2026-06-01 17:00', 12, 54.5],
    ['2026-06-01 18:00', 1, null],
  ], 'hourly, one queue, wall-clock times');
});

t.test('each queue\'s threshold comes from the routing rules', async (t) => {
  const { db, ben } = await scriptedApp(t);
  const thresholds = [{ name: 'support', serviceLevelSeconds: 20 }, { name: 'billing', serviceLevelSeconds: 30 }];
  const range = parseReportRange({ from: '2026-06-01', to: '2026-06-01' }, 15, ZONE);
  const queues = await queueIntervalReport(db.pool, { ...range, intervalMinutes: 15, timezone: ZONE, thresholds, queue: 'billing' });
  t.match(queues.rows, [{ queue: 'billing', serviceLevelSeconds: 30, answeredWithinThreshold: 1, serviceLevelPercent: 100 }]);
  const agents = await agentIntervalReport(db.pool, { ...range, intervalMinutes: 15, timezone: ZONE, thresholds, agentId: ben });
  t.match(agents.rows[0], { agentId: ben, intervalStartLocal: '2026-06-01 17:00', answeredWithinThreshold: 3, serviceLevelPercent: 60 }, 'the agent\'s billing call against billing\'s 30 s');
});

t.test('agent report: the calls each agent was offered, per interval', async (t) => {
  const { app, auth, ann, ben } = await scriptedApp(t);
  const report = (await app.inject({ url: '/api/reports/agents?from=2026-06-01&to=2026-06-01', headers: auth })).json<AgentReport>();
  t.equal(report.intervalMinutes, 15, '15 minutes unless told');
  t.same(report.rows, [
    // The abandon while her phone rang counts against her.
    { intervalStart: '2026-06-01T09:00:00.000Z', intervalStartLocal: '2026-06-01 17:00', agentId: ann, displayName: 'ann (test)', ...figures(5, 4, 1, 4, 80, 20, 12.5, 250, 30) },
    { intervalStart: '2026-06-01T09:00:00.000Z', intervalStartLocal: '2026-06-01 17:00', agentId: ben, displayName: 'ben (test)', ...figures(5, 5, 0, 2, 40, 0, 22, 224, 40) },
    { intervalStart: '2026-06-01T09:15:00.000Z', intervalStartLocal: '2026-06-01 17:15', agentId: ben, displayName: 'ben (test)', ...figures(1, 1, 0, 0, 0, 0, 30, 60, 30) },
  ]);
  t.same(report.totals, [
    { intervalStart: null, intervalStartLocal: null, agentId: ann, displayName: 'ann (test)', ...figures(5, 4, 1, 4, 80, 20, 12.5, 250, 30) },
    { intervalStart: null, intervalStartLocal: null, agentId: ben, displayName: 'ben (test)', ...figures(6, 6, 0, 2, 33.3, 0, 23.3, 196.7, 40) },
  ]);
  const one = (await app.inject({ url: `/api/reports/agents?from=2026-06-01&to=2026-06-02&agentId=${ann}&interval=60`, headers: auth })).json<AgentReport>();
  t.same(one.rows.map((row) => [row.intervalStartLocal, row.offered]), [['2026-06-01 17:00', 5], ['2026-06-02 01:00', 1]], 'one agent over two days, hourly');
});

t.test('CSV: a header line, the rows then the totals, a file name', async (t) => {
  const { app, auth } = await scriptedApp(t);
  const response = await app.inject({ url: '/api/reports/queues?from=2026-06-01&to=2026-06-01&format=csv', headers: auth });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.equal(response.headers['content-disposition'], 'attachment; filename="queues_2026-06-01_2026-06-01_15min.csv"');
  const records = recordsOf(response.body);
  t.equal(response.body.split('\n')[0], 'level,interval_start,interval_start_local,queue,service_level_seconds,offered,answered,abandoned,answered_within_threshold,service_level_percent,abandon_rate_percent,asa_seconds,aht_seconds,longest_wait_seconds');
  t.equal(records.length, 6);
  t.same(records[1], {
    level: 'interval', interval_start: '2026-06-01T09:00:00.000Z', interval_start_local: '2026-06-01 17:00', queue: 'support', service_level_seconds: '20',
    offered: '10', answered: '8', abandoned: '2', answered_within_threshold: '6', service_level_percent: '60', abandon_rate_percent: '20', asa_seconds: '16.9', aht_seconds: '250', longest_wait_seconds: '50',
  });
  t.match(records[3], { level: 'interval', queue: 'support', service_level_percent: '', asa_seconds: '' }, 'no figure is an empty cell');
  t.match(records[5], { level: 'total', interval_start: '', queue: 'support', offered: '13', service_level_percent: '54.5' });

  const byAccept = await app.inject({ url: '/api/reports/agents?from=2026-06-01&to=2026-06-01&interval=30', headers: { ...auth, accept: 'text/csv' } });
  t.match(byAccept.headers['content-type'], /^text\/csv/);
  t.equal(byAccept.headers['content-disposition'], 'attachment; filename="agents_2026-06-01_2026-06-01_30min.csv"');
  t.match(recordsOf(byAccept.body)[0], { level: 'interval', agent_name: 'ann (test)', offered: '5' });
  const jsonAnyway = await app.inject({ url: '/api/reports/agents?from=2026-06-01&to=2026-06-01&format=json', headers: { ...auth, accept: 'text/csv' } });
  t.match(jsonAnyway.headers['content-type'], /^application\/json/, 'format=json wins over Accept');
});

t.test('bad input: 400 with a precise code, nothing changed', async (t) => {
  const { app, auth, db } = await scriptedApp(t);
  const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions')).rows[0]!.n;
  const before = await count();
  const cases: Array<[string, number, string, RegExp]> = [
    ['/api/reports/queues?from=yesterday&to=2026-06-01', 400, 'invalid_date', /^from must be a date \(2026-06-01\) or a time .* not "yesterday"$/],
    ['/api/reports/queues?from=2026-02-30&to=2026-03-01', 400, 'invalid_date', /from must be a date/],
    ['/api/reports/agents?from=2026-06-01&to=2026-06-01T25:00', 400, 'invalid_date', /^to must be/],
    ['/api/reports/queues?from=2026-06-02&to=2026-06-01T12:00', 400, 'invalid_range', /^from \(2026-06-02\) must be before to \(2026-06-01T12:00\)$/],
    ['/api/reports/queues?from=2026-06-01&to=2026-07-02', 400, 'range_too_long', /^a report in 15-minute intervals covers at most 31 days$/],
    ['/api/reports/agents?from=2026-01-01&to=2026-03-31&interval=30', 400, 'range_too_long', /at most 62 days/],
    ['/api/reports/queues?from=2026-06-01&to=2026-06-01&interval=20', 400, 'invalid_input', /querystring\/interval must be one of 15, 30, 60/],
    ['/api/reports/queues?to=2026-06-01', 400, 'invalid_input', /must have required property 'from'/],
    ['/api/reports/queues?from=2026-06-01&to=2026-06-01&format=xml', 400, 'invalid_input', /format/],
    ['/api/reports/queues?from=2026-06-01&to=2026-06-01&queue=Support!', 400, 'invalid_input', /queue/],
    ['/api/reports/agents?from=2026-06-01&to=2026-06-01&agentId=ann', 400, 'invalid_input', /agentId/],
    ['/api/reports/queues?from=2026-06-01&to=2026-06-01&sort=queue', 400, 'invalid_input', /additional/],
  ];
  for (const [url, status, error, message] of cases) {
    const response = await app.inject({ url, headers: auth });
    t.equal(response.statusCode, status, url);
    t.match(response.json(), { error, message }, url);
  }
  t.equal((await app.inject({ url: '/api/reports/queues?from=2026-06-01&to=2026-07-01&interval=30', headers: auth })).statusCode, 200, '31 days in 30-minute intervals is fine');
  t.equal(await count(), before, 'nothing changed');
});
