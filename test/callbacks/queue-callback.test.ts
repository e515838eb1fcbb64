import t from 'tap';
import { answerWhenRinging } from '../helpers/site.js';
import { eventually } from '../helpers/acd-site.js';
import { waitUntil } from '../helpers/telephony.js';
import { CUSTOMER, customerPhone, startCallbackSite } from './callback-site.js';

const FIRST = '+8613900000001';
const LATER = '+8613900000003';

t.test('a callback from the queue keeps its place: the agent is reserved, sees the pop, and the customer is dialled', async (t) => {
  const site = await startCallbackSite(t, { mode: 'agent_first' });
  const { simulator, db, annApi, annId, callbackRow, bookCallback } = site;
  const { rows: customer } = await db.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('Li Wei') RETURNING id::int");
  await db.pool.query("INSERT INTO customer_phones (customer_id, e164, is_primary) VALUES ($1, $2, true)", [customer[0]!.id, CUSTOMER]);

  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  // Ann takes a first call and stays on it: the next callers wait.
  const first = await simulator.control.placeCall({ from: FIRST, to: '800' });
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await waitUntil(() => Boolean(simulator.control.callState(first.channelId)?.bridgeId), 10_000, 'ann talking to the first caller');

  await bookCallback(CUSTOMER);
  await eventually(async () => (await callbackRow())[0]?.status === 'queued', 10_000, 'the callback waiting in line');
  const [booked] = await callbackRow();
  t.match(booked, { status: 'queued', attempts: 0, call_id: `callback-${booked!.id}-1` });
  const { rows: original } = await db.pool.query<{ queued_at: Date; outcome: string; outcome_detail: string }>('SELECT queued_at, outcome, outcome_detail FROM interactions WHERE caller_e164 = $1', [CUSTOMER]);
  t.match(original[0], { outcome: 'callback', outcome_detail: `callback:${booked!.id}` }, 'the caller\'s own call ended as a callback');
  t.ok(Math.abs(booked!.queue_entered_at.getTime() - original[0]!.queued_at.getTime()) < 1000, 'its place: when the caller joined the queue');

  // A caller who arrives later waits behind the callback.
  const later = await simulator.control.placeCall({ from: LATER, to: '800' });
  await eventually(async () => (await site.server.telephony.acd.store.waitingCalls('support')).length === 2, 10_000, 'two in line');
  t.same((await site.server.telephony.acd.store.waitingCalls('support')), [booked!.call_id, later.channelId], 'the callback first');

  // Ann finishes her call: after her wrap-up her phone rings for the callback, with the customer's number.
  await simulator.control.hangupEndpoint('PJSIP/3001');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 2, 15_000, 'ann rung for the callback');
  t.equal(site.dialsTo(customerPhone(CUSTOMER)), 0, 'agent first: the customer is not dialled before ann answers');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await waitUntil(() => site.dialsTo(customerPhone(CUSTOMER)) === 1, 10_000, 'the customer dialled');
  await answerWhenRinging(simulator, customerPhone(CUSTOMER));
  await eventually(async () => (await callbackRow())[0]?.status === 'completed', 10_000, 'the callback completed');
  await eventually(async () => (await site.status(annId)) === 'on_call', 5000, 'ann on the call');
  t.same((await site.server.telephony.acd.store.waitingCalls('support')), [later.channelId], 'the later caller still waits');

  await eventually(async () => (await db.pool.query('SELECT 1 FROM interactions WHERE call_id = $1 AND answered_at IS NOT NULL', [booked!.call_id])).rowCount === 1, 5000, 'the answer recorded');
  const { rows: attempts } = await db.pool.query<{ direction: string; customer_id: number; agent_id: number; answered_at: Date | null; callback_id: number }>(
    "SELECT direction, customer_id::int, agent_id::int, answered_at, callback_id::int FROM interactions WHERE call_id = $1",
    [booked!.call_id],
  );
  t.match(attempts[0], { direction: 'outbound', customer_id: customer[0]!.id, agent_id: Number(annId), callback_id: booked!.id }, 'the attempt is on the customer\'s history');
  t.ok(attempts[0]!.answered_at);

  // The customer hangs up: the attempt's interaction closes as answered, ann goes to wrap-up, then takes the later caller.
  await simulator.control.hangupEndpoint(customerPhone(CUSTOMER));
  await eventually(async () => (await db.pool.query<{ outcome: string | null }>('SELECT outcome FROM interactions WHERE call_id = $1', [booked!.call_id])).rows[0]?.outcome === 'answered', 10_000, 'the attempt closed');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 3, 15_000, 'ann rung for the later caller');
  t.equal(site.dialsTo(customerPhone(CUSTOMER)), 1, 'dialled once');
});
