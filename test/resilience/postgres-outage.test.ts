import t from 'tap';
import { auditCalls } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import type { ServerMessage } from '../../src/realtime/messages.js';
import { login, openConsole } from '../helpers/consoles.js';
import { eventually } from '../helpers/acd-site.js';
import { TEST_POSTGRES_URL } from '../helpers/env.js';
import { answerWhenRinging, apiFor, startSite } from '../helpers/site.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';
import { MENU_FLOW } from './resilience-flow.js';

const CUSTOMER_NUMBER = '+8613800138000';

t.test('PostgreSQL stops during traffic: calls go on as unknown callers, pops say the CRM is away, every record lands once when it is back', async (t) => {
  const postgres = new URL(TEST_POSTGRES_URL);
  const proxy = await startTcpProxy(t, { host: postgres.hostname, port: Number(postgres.port || 5432) });
  const site = await startSite(t, {
    flow: MENU_FLOW,
    wrapUpSeconds: 0,
    databaseUrl: (url) => proxy.url(url),
    users: [{ username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } }],
  });
  const { db, simulator, server, ids } = site;
  const control = simulator.control;
  const customer = await db.pool.query<{ id: number }>(`INSERT INTO customers (name) VALUES ('Li Wei') RETURNING id`);
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customer.rows[0]!.id, CUSTOMER_NUMBER]);
  const cookie = await login(server, 'ann');
  const annConsole = await openConsole(server, { cookie });
  t.teardown(() => annConsole.close());
  t.equal((await apiFor(server, cookie)('POST', `/agents/${ids.ann}/state`, { action: 'login' })).status, 200);
  const since = new Date(Date.now() - 1000);

  await proxy.stop();
  const inMenu = (callId: string) => eventually(async () => (control.callState(callId)?.playing ?? null) !== null, 5000, 'the menu prompt');
  const gone = (callId: string) => eventually(async () => control.callState(callId)?.ended !== false, 5000, 'the call ended');

  // An abandon in the IVR, one in the queue, and two answered calls, the first from a known customer.
  const placedAt = Date.now();
  const first = await control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  await inMenu(first.channelId);
  t.ok(Date.now() - placedAt < 3000, `the caller heard the menu ${Date.now() - placedAt} ms after calling: the lookup gave up, the call went on`);
  await control.pressKeys(first.channelId, '1');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  const pop = (await annConsole.next('pop', 5000)) as Extract<ServerMessage, { type: 'pop' }>;
  t.match(pop.pop, { callId: first.channelId, crm: 'unavailable', match: 'none', caller: { e164: CUSTOMER_NUMBER } }, 'the pop came without the CRM, and says so');
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'on_call', 5000, 'ann talking');
  t.match(await apiFor(server, cookie)('GET', `/customers?phone=${encodeURIComponent(CUSTOMER_NUMBER)}`), { status: 503, body: { error: 'database_unavailable' } }, 'a CRM request says the database is away');
  await control.hangup(first.channelId);
  await gone(first.channelId);
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'available', 5000, 'ann free again');

  const inIvr = await control.placeCall({ from: '+8613800138002', to: '800' });
  await inMenu(inIvr.channelId);
  await control.hangup(inIvr.channelId);

  t.match(await apiFor(server, cookie)('POST', `/agents/${ids.ann}/state`, { action: 'pause', reason: 'break' }), { status: 200 }, 'agents change state without PostgreSQL');
  const inQueue = await control.placeCall({ from: '+8613800138003', to: '800' });
  await inMenu(inQueue.channelId);
  await control.pressKeys(inQueue.channelId, '1');
  await eventually(async () => (await server.telephony.acd.store.getCall(inQueue.channelId)) !== null, 5000, 'waiting');
  await control.hangup(inQueue.channelId);

  // This one is still talking when PostgreSQL comes back.
  t.match(await apiFor(server, cookie)('POST', `/agents/${ids.ann}/state`, { action: 'resume' }), { status: 200 });
  const talking = await control.placeCall({ from: '+8613800138004', to: '800' });
  await inMenu(talking.channelId);
  await control.pressKeys(talking.channelId, '1');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'on_call', 5000, 'ann talking');
  await server.telephony.recorder.settled();
  const kept = await server.telephony.outbox.counts();
  t.ok(kept.pending >= 12, `the writes of four calls wait in the outbox (${kept.pending})`);
  t.equal((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions')).rows[0]!.n, 0, 'nothing reached PostgreSQL meanwhile');

  await proxy.start();
  await eventually(async () => (await server.telephony.outbox.counts()).pending === 0, 15_000, 'the outbox drained');
  await control.hangup(talking.channelId);
  await gone(talking.channelId);
  await server.telephony.recorder.settled();
  await eventually(async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM interactions WHERE ended_at IS NULL`)).rows[0]!.n === 0, 5000, 'the last call closed');

  const { rows } = await db.pool.query<{ call_id: string; final: string; arrived_at: Date; steps: number; menu_steps: number }>(
    `SELECT call_id, interaction_final_outcome(outcome, outcome_detail) AS final, arrived_at, jsonb_array_length(ivr_path) AS steps,
            (SELECT count(*)::int FROM jsonb_array_elements(ivr_path) e WHERE e->>'step' = 'menu') AS menu_steps
       FROM interactions ORDER BY arrived_at`,
  );
  t.same(rows.map((row) => [row.call_id, row.final]), [
    [first.channelId, 'answered'],
    [inIvr.channelId, 'abandoned_in_ivr'],
    [inQueue.channelId, 'abandoned_in_queue'],
    [talking.channelId, 'answered'],
  ], 'each call once, with its outcome');
  // The caller who hung up in the menu left it unfinished: their outcome names it (ivr:menu), the path does not.
  t.same(rows.map((row) => row.menu_steps), [1, 0, 1, 1], 'no IVR step written twice');
  t.ok(rows[0]!.arrived_at.getTime() < placedAt + 2000, 'the arrival time is the call\'s, not the time the write landed');
  const answeredAt = (await db.pool.query<{ answered_at: Date }>('SELECT answered_at FROM interactions WHERE call_id = $1', [first.channelId])).rows[0]!.answered_at;
  t.ok(answeredAt.getTime() < placedAt + 10_000, 'so is the answer time');

  const audit = await auditCalls(db.pool, {
    since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: simulator.url, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: await server.telephony.outbox.counts(),
  });
  t.match(audit, { inbound: { arrived: 4, accounted: 4 }, unaccountedCount: 0, anomalies: [], outboxPending: 0, outboxRefused: 0, holds: true }, 'the identity holds');
});

t.test('a hung PostgreSQL (connections taken, never answered): the caller lookup gives up within its budget', async (t) => {
  const postgres = new URL(TEST_POSTGRES_URL);
  const proxy = await startTcpProxy(t, { host: postgres.hostname, port: Number(postgres.port || 5432) });
  const site = await startSite(t, { flow: MENU_FLOW, databaseUrl: (url) => proxy.url(url), users: [] });
  await proxy.blackhole();
  const placedAt = Date.now();
  const call = await site.simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  await eventually(async () => (site.simulator.control.callState(call.channelId)?.playing ?? null) !== null, 5000, 'the menu prompt');
  t.ok(Date.now() - placedAt < 3000, `the menu began ${Date.now() - placedAt} ms after the call, PostgreSQL never answering`);
  await site.simulator.control.hangup(call.channelId);
  await proxy.start();
  await eventually(async () => (await site.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM interactions WHERE ended_at IS NOT NULL`)).rows[0]!.n === 1, 20_000, 'the call recorded once PostgreSQL answers');
});
