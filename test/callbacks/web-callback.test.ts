import t from 'tap';
import { eventually } from '../helpers/acd-site.js';
import { answerWhenRinging } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';
import { CUSTOMER, customerPhone, startCallbackSite } from './callback-site.js';

const KEY = 'callbacks-test-key-0123456789';

/** A website's request: JSON with the API key. */
const webRequest = (url: string) => async (body: unknown) => {
  const response = await fetch(`${url}/api/callbacks`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

t.test('bad requests get a 4xx with a code and change nothing', async (t) => {
  const { server, db } = await startCallbackSite(t);
  const post = webRequest(server.url);
  const soon = new Date(Date.now() + 60_000).toISOString();
  const cases: Array<[string, unknown, number, string]> = [
    ['no queue', { number: CUSTOMER }, 400, 'invalid_input'],
    ['unknown queue', { number: CUSTOMER, queue: 'nowhere' }, 400, 'unknown_queue'],
    ['an agent\'s own line', { number: CUSTOMER, queue: 'agent-1' }, 400, 'unknown_queue'],
    ['not a number', { number: 'call me maybe', queue: 'support' }, 400, 'invalid_number'],
    ['no number and no customer', { queue: 'support' }, 400, 'invalid_input'],
    ['unknown customer', { customerId: 999999, queue: 'support' }, 400, 'unknown_customer'],
    ['window without offset', { number: CUSTOMER, queue: 'support', window: { from: '2026-06-01T09:00' } }, 400, 'invalid_input'],
    ['window backwards', { number: CUSTOMER, queue: 'support', window: { from: soon, to: new Date(Date.now() + 30_000).toISOString() } }, 400, 'invalid_input'],
    ['window over', { number: CUSTOMER, queue: 'support', window: { to: new Date(Date.now() - 60_000).toISOString() } }, 400, 'invalid_input'],
    ['too far ahead', { number: CUSTOMER, queue: 'support', window: { from: new Date(Date.now() + 40 * 86_400_000).toISOString() } }, 400, 'invalid_input'],
    ['unknown field', { number: CUSTOMER, queue: 'support', urgent: true }, 400, 'invalid_input'],
    ['bad key', { number: CUSTOMER, queue: 'support', requestKey: 'has spaces' }, 400, 'invalid_input'],
  ];
  for (const [what, body, status, code] of cases) t.match(await post(body), { status, body: { error: code } }, what);
  const anonymous = await fetch(`${server.url}/api/callbacks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: CUSTOMER, queue: 'support' }) });
  t.equal(anonymous.status, 401, 'no key, no callback');
  const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM callbacks');
  t.equal(rows[0]!.count, 0, 'nothing stored');
});

t.test('a web request with a window: scheduled, then dialled customer first when the window opens, once', async (t) => {
  const site = await startCallbackSite(t, { mode: 'customer_first' });
  const { server, simulator, annApi, annId, callbackRow } = site;
  const post = webRequest(server.url);
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  const from = new Date(Date.now() + 3000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const request = { number: '138 0013 8000', queue: 'support', window: { from, to }, note: 'about order 1234', requestKey: 'web-order-1234' };
  const created = await post(request);
  t.match(created, { status: 201, body: { status: 'scheduled', source: 'web', number: CUSTOMER, queue: 'support', window: { from, to }, note: 'about order 1234', requestedBy: 'api-key', attempts: 0, maxAttempts: 2 } });
  t.match(await post(request), { status: 200, body: { id: created.body.id } }, 'the same request key: the same callback, nothing booked twice');
  t.equal((await callbackRow()).length, 1);

  t.equal(site.dialsTo(customerPhone(CUSTOMER)), 0, 'not before the window');
  await waitUntil(() => site.dialsTo(customerPhone(CUSTOMER)) === 1, 15_000, 'the customer dialled when the window opened');
  t.equal(site.dialsTo('PJSIP/3001'), 0, 'customer first: ann rings only once the customer answers');
  await answerWhenRinging(simulator, customerPhone(CUSTOMER));
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 1, 10_000, 'ann rung for the connected customer');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await callbackRow())[0]?.status === 'completed', 10_000, 'completed');

  const one = await site.sue('GET', `/callbacks/${String(created.body.id)}`);
  t.match(one, { status: 200, body: { status: 'completed', attempts: 1, outcome: 'answered', attemptCalls: [{ callId: `callback-${String(created.body.id)}-1`, agentId: Number(annId) }] } });
  t.match(await site.sue('GET', '/callbacks?status=completed'), { status: 200, body: [{ id: created.body.id }] });
  t.match(await site.sue('POST', `/callbacks/${String(created.body.id)}/cancel`), { status: 409, body: { error: 'conflict' } }, 'a completed callback cannot be cancelled');
  await simulator.control.hangupEndpoint('PJSIP/3001');
});

t.test('no answer: tried again after the queue\'s spacing, then failed for a person to handle; each attempt on the history', async (t) => {
  const site = await startCallbackSite(t, { attempts: 2, retryAfterSeconds: 1 });
  const { server, simulator, db, annApi, annId, callbackRow } = site;
  simulator.control.setEndpoint(customerPhone(CUSTOMER), { behaviour: 'busy' });
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  const created = await webRequest(server.url)({ number: CUSTOMER, queue: 'support' });
  t.equal(created.status, 201);
  for (const attempt of [1, 2]) {
    await waitUntil(() => site.dialsTo('PJSIP/3001') === attempt, 15_000, `ann rung for attempt ${attempt}`);
    await answerWhenRinging(simulator, 'PJSIP/3001');
    await waitUntil(() => site.dialsTo(customerPhone(CUSTOMER)) === attempt, 10_000, `attempt ${attempt} dialled`);
  }
  await eventually(async () => (await callbackRow())[0]?.status === 'failed', 15_000, 'failed after the last attempt');
  t.match((await callbackRow())[0], { attempts: 2, outcome_detail: 'busy' });
  await eventually(async () => (await site.status(annId)) === 'available', 5000, 'ann free again, not paused: she did answer');
  const { rows } = await db.pool.query<{ call_id: string; outcome: string; outcome_detail: string }>(
    "SELECT call_id, outcome, outcome_detail FROM interactions WHERE direction = 'outbound' ORDER BY arrived_at",
  );
  t.match(rows, [
    { call_id: `callback-${String(created.body.id)}-1`, outcome: 'failed', outcome_detail: 'callback:busy' },
    { call_id: `callback-${String(created.body.id)}-2`, outcome: 'failed', outcome_detail: 'callback:busy' },
  ]);
  t.match(await site.sue('GET', '/callbacks?status=failed'), { status: 200, body: [{ id: created.body.id, outcome: 'busy' }] }, 'the failed ones are the supervisors\' list to call by hand');
});

t.test('do-not-call: refused when asked, and a waiting callback whose number is listed later is never dialled', async (t) => {
  const site = await startCallbackSite(t);
  const { server, db, annApi, annId, callbackRow, sue } = site;
  const post = webRequest(server.url);
  t.match(await sue('PUT', '/dnc/+8613900000009', { reason: 'asked us to stop' }), { status: 200, body: { number: '+8613900000009', reason: 'asked us to stop', addedBy: 'sue' } });
  t.match(await post({ number: '+8613900000009', queue: 'support' }), { status: 422, body: { error: 'do_not_call' } }, 'a listed number');
  const { rows: flagged } = await db.pool.query<{ id: number }>("INSERT INTO customers (name, do_not_call) VALUES ('Zhao Min', true) RETURNING id::int");
  await db.pool.query("INSERT INTO customer_phones (customer_id, e164) VALUES ($1, '+8613900000010')", [flagged[0]!.id]);
  t.match(await post({ customerId: flagged[0]!.id, queue: 'support' }), { status: 422, body: { error: 'do_not_call' } }, 'a customer flagged do-not-call');
  t.equal((await callbackRow()).length, 0);

  // Accepted while nobody is logged in: it waits in line. Then the number is listed.
  const created = await post({ number: CUSTOMER, queue: 'support' });
  t.equal(created.status, 201);
  await eventually(async () => (await callbackRow())[0]?.status === 'queued', 10_000, 'waiting in line');
  t.match(await sue('PUT', `/dnc/${encodeURIComponent(CUSTOMER)}`, {}), { status: 200 });
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  await eventually(async () => (await callbackRow())[0]?.status === 'cancelled', 10_000, 'cancelled at its turn');
  t.match((await callbackRow())[0], { outcome_detail: 'do_not_call' });
  t.equal(site.dialsTo(customerPhone(CUSTOMER)), 0, 'never dialled');
  t.equal(site.dialsTo('PJSIP/3001'), 0, 'ann not rung for it');
  t.equal(await site.status(annId), 'available');
  t.match(await sue('DELETE', `/dnc/${encodeURIComponent(CUSTOMER)}`), { status: 204 });
  t.match(await sue('DELETE', `/dnc/${encodeURIComponent(CUSTOMER)}`), { status: 404 });
  t.match(await sue('GET', '/dnc'), { status: 200, body: [{ number: '+8613900000009' }] });
});
