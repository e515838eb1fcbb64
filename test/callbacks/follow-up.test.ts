import t from 'tap';
import { eventually } from '../helpers/acd-site.js';
import { login } from '../helpers/consoles.js';
import { answerWhenRinging, apiFor } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';
import { CUSTOMER, customerPhone, startCallbackSite } from './callback-site.js';

t.test('a follow-up to oneself is dialled for that agent only, at its time', async (t) => {
  const site = await startCallbackSite(t, { withBob: true });
  const { simulator, db, server, annApi, annId, callbackRow } = site;
  const bobId = site.ids.bob!;
  const bob = apiFor(server, await login(server, 'bob'));
  const { rows } = await db.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('Li Wei') RETURNING id::int");
  await db.pool.query('INSERT INTO customer_phones (customer_id, e164, is_primary) VALUES ($1, $2, true)', [rows[0]!.id, CUSTOMER]);

  const at = new Date(Date.now() + 2000).toISOString();
  t.match(await annApi('POST', '/console/follow-ups', { customerId: rows[0]!.id, at, note: 'call about the refund', to: 'me' }), {
    status: 201,
    body: { source: 'follow_up', status: 'scheduled', agentId: Number(annId), number: CUSTOMER, note: 'call about the refund', requestedBy: 'ann' },
  });
  t.match(await annApi('POST', '/console/follow-ups', { customerId: rows[0]!.id, at, to: 'queue' }), { status: 400, body: { error: 'unknown_queue' } }, 'to a queue needs the queue');
  t.match(await annApi('POST', '/console/follow-ups', { at, to: 'me' }), { status: 400, body: { error: 'invalid_input' } }, 'nobody to call');
  t.match(await site.sue('POST', '/console/follow-ups', { customerId: rows[0]!.id, at, to: 'me' }), { status: 403 }, 'agents only');

  // Bob is free first; ann only later. The follow-up waits for ann.
  t.match(await bob('POST', `/agents/${bobId}/state`, { action: 'login' }), { status: 200 });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  t.equal(site.dialsTo('PJSIP/3002'), 0, 'not offered to bob');
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 1, 10_000, 'ann rung for her follow-up');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await waitUntil(() => site.dialsTo(customerPhone(CUSTOMER)) === 1, 10_000, 'the customer dialled');
  await answerWhenRinging(simulator, customerPhone(CUSTOMER));
  await eventually(async () => (await callbackRow())[0]?.status === 'completed', 10_000, 'completed');
  t.equal(site.dialsTo('PJSIP/3002'), 0, 'bob never rung');
  await simulator.control.hangupEndpoint(customerPhone(CUSTOMER));
});
