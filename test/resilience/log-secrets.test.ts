import t from 'tap';
import { login, openConsole } from '../helpers/consoles.js';
import { eventually } from '../helpers/acd-site.js';
import { TEST_PASSWORD } from '../helpers/auth.js';
import { answerWhenRinging, apiFor, startSite } from '../helpers/site.js';
import { ARI_PASSWORD } from '../helpers/telephony.js';
import { MENU_FLOW } from './resilience-flow.js';

const API_KEY = 'log-scan-api-key-0123456789abcdef';
const NEW_USER_PASSWORD = 'brand-new-password-4711';
/** Customers' numbers as they appear in calls, requests and the CRM: E.164 and the national digits. */
const CALLER = { e164: '+8613912345678', national: '13912345678' };
const WEB_CALLBACK = { e164: '+8613787654321', national: '13787654321' };
const NEW_CUSTOMER = { e164: '+8618611112222', national: '18611112222' };

t.test('a whole day in small: no secret in any log line, no customer phone number at info level', async (t) => {
  const site = await startSite(t, {
    flow: MENU_FLOW,
    // Every line a server writes is scanned for secrets; customers' numbers may appear at debug only.
    logLevel: 'debug',
    wrapUpSeconds: 60,
    env: { API_KEYS: API_KEY, CENTER_HOURS: 'mon-sun 00:00-24:00', CUSTOMER_CALLING_HOURS: '00:00-24:00' },
    secrets: [API_KEY, NEW_USER_PASSWORD],
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } },
      { username: 'root', role: 'admin' },
    ],
  });
  const { server, simulator, ids, lines, db } = site;
  const admin = apiFor(server, await login(server, 'root'));
  const annCookie = await login(server, 'ann');
  const ann = apiFor(server, annCookie);
  const annConsole = await openConsole(server, { cookie: annCookie });
  t.teardown(() => annConsole.close());

  t.equal((await admin('POST', '/users', { username: 'bo', displayName: 'Bo', role: 'agent', password: NEW_USER_PASSWORD })).status, 201);
  const wrongLogin = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ann', password: 'not-her-password-at-all' }) });
  t.equal(wrongLogin.status, 401);
  const created = await admin<{ id: number }>('POST', '/customers', { name: 'Zhang Min', phones: [{ number: NEW_CUSTOMER.national, primary: true }] });
  t.equal(created.status, 201);
  await db.pool.query(`INSERT INTO customers (name) VALUES ('Li Wei')`);
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) SELECT id, $1, 'mobile', true FROM customers WHERE name = 'Li Wei'`, [CALLER.e164]);
  t.equal((await admin('GET', `/caller-lookup?callerId=${encodeURIComponent(CALLER.e164)}`)).status, 200);
  t.equal((await admin('GET', `/customers?phone=${CALLER.national}`)).status, 200);
  const callback = await fetch(`${server.url}/api/callbacks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ number: WEB_CALLBACK.e164, queue: 'support', window: { from: new Date(Date.now() + 3_600_000).toISOString() } }),
  });
  t.equal(callback.status, 201, 'a website books a callback');
  t.equal((await fetch(`${server.url}/api/customers`, { headers: { authorization: 'Bearer wrong-key-wrong-key-wrong' } })).status, 401);

  t.equal((await ann('POST', `/agents/${ids.ann}/state`, { action: 'login' })).status, 200);
  const call = await simulator.control.placeCall({ from: CALLER.e164, fromName: 'Li Wei', to: '800' });
  await eventually(async () => (simulator.control.callState(call.channelId)?.playing ?? null) !== null, 5000, 'the menu');
  await simulator.control.pressKeys(call.channelId, '1');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await annConsole.next('pop', 5000);
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'on_call', 5000, 'talking');
  t.equal((await ann('POST', '/console/call/hold', {})).status, 200);
  t.equal((await ann('POST', '/console/call/resume', {})).status, 200);
  t.equal((await ann('POST', '/console/call/hangup', {})).status, 204);
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'wrap_up', 5000, 'wrap-up');
  t.equal((await ann('POST', '/console/wrap-up', { callId: call.channelId, disposition: 'resolved', notes: `call back on ${CALLER.national}` })).status, 204);
  const withheld = await simulator.control.placeCall({ from: NEW_CUSTOMER.e164, to: '800' });
  await eventually(async () => (simulator.control.callState(withheld.channelId)?.playing ?? null) !== null, 5000, 'the menu');
  await simulator.control.hangup(withheld.channelId);
  await server.telephony.recorder.settled();
  await eventually(async () => lines.some((line) => line.includes('"msg":"call ended"') && line.includes(withheld.channelId)), 5000, 'the last call logged');

  t.ok(lines.length > 30, `a day's worth of log lines to scan (${lines.length})`);
  const infoAndAbove = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 30);
  const forbidden = [ARI_PASSWORD, TEST_PASSWORD, NEW_USER_PASSWORD, API_KEY, annCookie.split('=')[1]!, 'not-her-password-at-all'];
  for (const secret of forbidden) t.notOk(lines.some((line) => line.includes(secret)), `no log line holds the secret ${secret.slice(0, 4)}…`);
  for (const number of [CALLER, WEB_CALLBACK, NEW_CUSTOMER]) {
    for (const form of [number.e164, number.national]) {
      const leaking = infoAndAbove.filter((line) => line.includes(form));
      t.same(leaking, [], `no info-level line holds the customer number ${form}`);
    }
  }
});
