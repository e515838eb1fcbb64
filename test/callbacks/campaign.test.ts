import t from 'tap';
import type { ServerMessage } from '../../src/realtime/messages.js';
import { eventually } from '../helpers/acd-site.js';
import { openConsole } from '../helpers/consoles.js';
import { answerWhenRinging } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';
import { customerPhone, startCallbackSite } from './callback-site.js';

const NUMBERS = { wang: '+8613900000301', flagged: '+8613900000302', listed: '+8613900000303', zhou: '+8613900000305' };

t.test('a progressive campaign: one call per free agent, do-not-call left out, the pop when the customer answers', async (t) => {
  const site = await startCallbackSite(t, { env: { CALLBACK_RECONCILE_SECONDS: '1' } });
  const { simulator, db, server, annApi, annId, annCookie, sue } = site;
  // Customers answer at once and talk until the test hangs them up.
  simulator.control.setEndpoint('PJSIP/carrier', { behaviour: 'answer', answerAfterMs: 1000 });
  const customer = async (name: string, number: string | null, doNotCall = false) => {
    const { rows } = await db.pool.query<{ id: number }>('INSERT INTO customers (name, do_not_call, external_id) VALUES ($1, $2, $3) RETURNING id::int', [name, doNotCall, `ext-${name}`]);
    if (number) await db.pool.query('INSERT INTO customer_phones (customer_id, e164, is_primary) VALUES ($1, $2, true)', [rows[0]!.id, number]);
    return rows[0]!.id;
  };
  const ids = [
    await customer('Wang Fang', NUMBERS.wang),
    await customer('Flagged', NUMBERS.flagged, true),
    await customer('Listed', NUMBERS.listed),
    await customer('No Phone', null),
    await customer('Zhou Jie', NUMBERS.zhou),
  ];
  t.match(await sue('PUT', `/dnc/${encodeURIComponent(NUMBERS.listed)}`, { reason: 'complaint' }), { status: 200 });

  // Bad lists are refused whole.
  t.match(await sue('POST', '/campaigns', { name: 'renewals', queue: 'support', list: {} }), { status: 400, body: { error: 'invalid_input' } }, 'no list');
  t.match(await sue('POST', '/campaigns', { name: 'renewals', queue: 'support', list: { csv: 'name\nWang' } }), { status: 400, body: { error: 'invalid_input' } }, 'a CSV without external_id or phone');
  t.match(await sue('POST', '/campaigns', { name: 'renewals', queue: 'nowhere', list: { customerIds: ids } }), { status: 400, body: { error: 'unknown_queue' } });
  t.match(await sue('POST', '/campaigns', { name: 'Renewals!', queue: 'support', list: { customerIds: ids } }), { status: 400, body: { error: 'invalid_input' } });
  t.equal((await db.pool.query('SELECT 1 FROM campaigns')).rowCount, 0, 'nothing stored');

  const annConsole = await openConsole(server, { cookie: annCookie });
  t.teardown(() => annConsole.close());
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  const created = await sue('POST', '/campaigns', { name: 'renewals', queue: 'support', list: { customerIds: [...ids, ids[0]] } });
  t.match(created, { status: 201, body: { name: 'renewals', status: 'running', contacts: 2, skipped: { do_not_call: 2, no_number: 1, duplicate: 1 }, createdBy: 'sue' } });
  const campaignId = (created.body as { id: number }).id;
  t.match(await sue('POST', '/campaigns', { name: 'renewals', queue: 'support', list: { customerIds: ids } }), { status: 409 }, 'a name in use');

  // Progressive: the first customer is dialled; the second waits while ann is busy with the first.
  await waitUntil(() => site.dialsTo(customerPhone(NUMBERS.wang)) === 1, 10_000, 'the first customer dialled');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 1, 10_000, 'ann rung once the customer answered');
  const pop = annConsole.messages.find((message): message is Extract<ServerMessage, { type: 'pop' }> => message.type === 'pop');
  t.match(pop?.pop, { match: 'one', candidates: [{ customer: { name: 'Wang Fang' } }] }, 'ann sees who she is calling');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await site.status(annId)) === 'on_call', 5000, 'ann talking to the first customer');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(site.dialsTo(customerPhone(NUMBERS.zhou)), 0, 'one call per available agent: the second customer waits');
  await simulator.control.hangupEndpoint(customerPhone(NUMBERS.wang));
  await waitUntil(() => site.dialsTo(customerPhone(NUMBERS.zhou)) === 1, 20_000, 'the second customer dialled after the first call');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 2, 10_000, 'ann rung for the second');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await site.status(annId)) === 'on_call', 5000, 'ann talking to the second customer');
  await simulator.control.hangupEndpoint(customerPhone(NUMBERS.zhou));

  await eventually(async () => (await sue<{ status: string }>('GET', `/campaigns/${campaignId}`)).body?.status === 'finished', 20_000, 'the campaign finished');
  t.match(await sue('GET', `/campaigns/${campaignId}`), { status: 200, body: { progress: { completed: 2 } } });
  t.equal(site.dialsTo(customerPhone(NUMBERS.flagged)) + site.dialsTo(customerPhone(NUMBERS.listed)), 0, 'do-not-call numbers never dialled');
  const { rows } = await db.pool.query<{ customer_id: number; outcome: string }>(
    "SELECT customer_id::int, outcome FROM interactions WHERE direction = 'outbound' ORDER BY arrived_at",
  );
  t.same(rows, [{ customer_id: ids[0], outcome: 'answered' }, { customer_id: ids[4], outcome: 'answered' }], 'each call on its customer\'s history');
  t.match(await sue('POST', `/campaigns/${campaignId}/pause`), { status: 409 }, 'a finished campaign cannot be paused');
});

t.test('a campaign from a CSV, created paused, dialled only once resumed', async (t) => {
  const site = await startCallbackSite(t, { env: { CALLBACK_RECONCILE_SECONDS: '1' } });
  const { simulator, annApi, annId, sue, db } = site;
  simulator.control.setEndpoint('PJSIP/carrier', { behaviour: 'answer', answerAfterMs: 1000, hangupAfterMs: 20_000 });
  await db.pool.query("INSERT INTO customers (name, external_id) VALUES ('Chen Li', 'A-1')");
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  const csv = 'external_id,phone\nA-1,+8613900000401\n,139 0000 0402\nB-404,\n,not a number\n';
  const created = await sue('POST', '/campaigns', { name: 'csv-list', queue: 'support', list: { csv }, start: false });
  t.match(created, { status: 201, body: { status: 'paused', contacts: 2, skipped: { unknown_customer: 1, invalid_number: 1 } } });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  t.equal(site.dialsTo(customerPhone('+8613900000401')), 0, 'paused: nobody dialled');
  const id = (created.body as { id: number }).id;
  t.match(await sue('POST', `/campaigns/${id}/resume`), { status: 200, body: { status: 'running' } });
  await waitUntil(() => site.dialsTo(customerPhone('+8613900000401')) === 1, 10_000, 'dialled once resumed');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 1, 10_000, 'ann rung');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await waitUntil(() => site.dialsTo(customerPhone('+8613900000402')) === 1, 20_000, 'the number-only row dialled next');
});
