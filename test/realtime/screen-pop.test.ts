import t from 'tap';
import WebSocket from 'ws';
import { login, openConsole } from '../helpers/consoles.js';
import { startSite } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';
import { eventually } from '../helpers/acd-site.js';

const API_KEY = 'screen-pop-test-key-0123456789';
const CUSTOMER_NUMBER = '+8613800138000';

t.test('the screen-pop reaches the ringing agent, and only them', async (t) => {
  const { db, simulator, server, ids, lines } = await startSite(t, {
    wrapUpSeconds: 10,
    env: { API_KEYS: API_KEY },
    secrets: [API_KEY],
    logLevel: 'info',
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 5 } },
      { username: 'bob', role: 'agent', endpoint: 'PJSIP/3002', skills: { billing: 5 } },
      { username: 'sue', role: 'supervisor' },
    ],
  });
  const annId = ids.ann!;
  const customer = await db.pool.query<{ id: number }>(
    `INSERT INTO customers (name, company, tier, lifetime_value, preferred_language, notes) VALUES ('Li Wei', 'Acme', 'gold', 12500, 'zh', 'Prefers mornings') RETURNING id`,
  );
  const customerId = customer.rows[0]!.id;
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customerId, CUSTOMER_NUMBER]);
  await db.pool.query(`INSERT INTO tickets (customer_id, subject, status, priority) VALUES ($1, 'Invoice 42 is wrong', 'open', 'high')`, [customerId]);
  await db.pool.query(
    `INSERT INTO interactions (call_id, customer_id, caller_e164, arrived_at, ended_at, outcome, disposition, notes)
     VALUES ('earlier-1', $1, $2, now() - interval '2 hours', now() - interval '2 hours', 'abandoned', NULL, ''),
            ('earlier-2', $1, $2, now() - interval '3 days', now() - interval '3 days', 'answered', 'resolved', 'Explained the invoice')`,
    [customerId, CUSTOMER_NUMBER],
  );


  await t.rejects(openConsole(server, {}), /refused: 401/, 'no session, no socket');
  const annCookie = await login(server, 'ann');
  await t.rejects(openConsole(server, { cookie: annCookie, origin: 'https://evil.example' }), /refused: 403/, 'a page of another site cannot use the cookie');

  const ann = await openConsole(server, { cookie: annCookie, origin: server.url });
  const bob = await openConsole(server, { cookie: await login(server, 'bob') });
  const sue = await openConsole(server, { cookie: await login(server, 'sue') });
  t.match(await ann.next('snapshot'), { user: { userId: annId, role: 'agent' }, agent: null, pop: null }, 'logged out of the ACD: no state yet');
  t.match(await sue.next('snapshot'), { user: { role: 'supervisor' }, agents: [] });

  ann.socket.send(JSON.stringify({ type: 'ping', id: 'p1' }));
  t.match(await ann.next('pong'), { id: 'p1' });
  ann.socket.send('{"type":"steal","agentId":"2"}');
  t.match(await ann.next('error'), { code: 'bad_message' }, 'an unknown message is refused with a reason');
  ann.socket.send('not json');
  await waitUntil(() => ann.messages.filter((m) => m.type === 'error').length === 2, 2000, 'second error');
  t.match(ann.messages.filter((m) => m.type === 'error')[1], { code: 'bad_json' });

  const state = await fetch(`${server.url}/api/agents/${annId}/state`, { method: 'POST', headers: { cookie: annCookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'login' }) });
  t.equal(state.status, 200, 'ann logs herself in');
  t.match(await ann.next('agent.state'), { agentId: annId, from: 'logged_out', to: 'available' });

  const placedAt = Date.now();
  const { channelId } = await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  const popMessage = await ann.next('pop', 10_000);
  t.ok(popMessage.type === 'pop');
  if (popMessage.type !== 'pop') return;
  const { pop } = popMessage;
  t.match(pop, {
    callId: channelId,
    agentId: annId,
    caller: { number: CUSTOMER_NUMBER, e164: CUSTOMER_NUMBER, kind: 'valid' },
    dialledNumber: '800',
    queue: 'support',
    priority: 0,
    match: 'one',
    matchedBy: 'caller-id',
    crm: 'ok',
    repeat: { callsToday: 1, callsLast24h: 1, lastCallAbandoned: true, lastCallOutcome: 'abandoned' },
    candidates: [{ customer: { id: customerId, name: 'Li Wei', company: 'Acme', tier: 'gold', lifetimeValue: 12500, preferredLanguage: 'zh', notes: 'Prefers mornings' }, openTickets: [{ subject: 'Invoice 42 is wrong' }] }],
  });
  t.same(
    pop.candidates[0]!.recentInteractions.map((entry) => entry.notes),
    ['', 'Explained the invoice'],
    'the history holds the calls before this one, newest first',
  );
  t.match(pop.ivr, { flow: 'q', attributes: {} }, 'the IVR flow is on the pop');
  t.ok(pop.offeredAt >= placedAt && pop.waitedMs >= 0);
  t.ok(ann.messages.findIndex((m) => m.type === 'agent.state' && m.to === 'offered') >= 0, 'the console hears its phone is ringing');

  // Reconnecting while the phone rings brings the pop back.
  await ann.close();
  const again = await openConsole(server, { cookie: annCookie });
  t.match(await again.next('snapshot'), { agent: { status: 'offered', callId: channelId }, pop: { popId: pop.popId, callId: channelId } }, 'the snapshot holds the ringing call');

  t.ok(sue.messages.some((m) => m.type === 'acd' && m.event.type === 'call.offered'), 'the supervisor gets the ACD feed');
  t.notOk(bob.messages.some((m) => m.type === 'pop' || m.type === 'acd' || (m.type === 'agent.state' && m.agentId === annId)), 'another agent gets nothing of ann\'s');
  t.notOk(again.messages.some((m) => m.type === 'acd'), 'agents get no ACD feed');

  // The caller gives up while ann's phone rings: her pop is cleared.
  await simulator.control.hangup(channelId);
  await eventually(async () => (await server.telephony.pops.current(annId)) === null, 5000, 'the pop cleared');
  const fresh = await openConsole(server, { cookie: annCookie });
  t.match(await fresh.next('snapshot'), { agent: { status: 'available' }, pop: null });

  // Logging out ends the session's sockets at once.
  const logout = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: annCookie } });
  t.equal(logout.status, 204);
  t.match(await fresh.next('session.ended'), { reason: 'logout' });
  await waitUntil(() => fresh.socket.readyState === WebSocket.CLOSED && again.socket.readyState === WebSocket.CLOSED, 2000, 'sockets closed');
  t.equal(server.realtime.size(), 2, 'only bob and sue are still connected');
  await Promise.all([bob.close(), sue.close()]);
  await waitUntil(() => server.realtime.size() === 0, 2000, 'hub empty');
  t.notOk(lines.some((line) => line.includes(annCookie.split('=')[1]!)), 'the session id never reaches the logs');
});
