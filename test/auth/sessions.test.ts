import t from 'tap';
import { Redis } from 'ioredis';
import { authEventChannel, type SessionsEndedEvent } from '../../src/auth/session-auth.js';
import { buildTestApp } from '../helpers/app.js';
import { addUser, logInAs, sessionCookieOf, TEST_PASSWORD } from '../helpers/auth.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('log in, use the session, log out', async (t) => {
  const { app, db, logs, config } = await buildTestApp(t);
  const id = await addUser(db.pool, 'ann', 'agent', { defaultEndpoint: 'PJSIP/1001', skills: { support: 5 } });

  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'Ann ', password: TEST_PASSWORD } });
  t.equal(login.statusCode, 200, login.body);
  t.match(login.json(), { id, username: 'ann', role: 'agent', defaultEndpoint: 'PJSIP/1001', skills: { support: 5 }, active: true });
  t.notOk('passwordHash' in login.json<Record<string, unknown>>(), 'no hash in the answer');
  const setCookie = String(login.headers['set-cookie']);
  t.match(setCookie, /^ringside_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/, 'httpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, no Max-Age');
  const cookie = sessionCookieOf(login);
  const sessionId = cookie.split('=')[1]!;

  const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
  t.equal(me.statusCode, 200);
  t.match(me.json(), { id, username: 'ann', displayName: 'ann (test)' });
  t.equal((await app.inject({ url: '/api/customers?name=a', headers: { cookie } })).statusCode, 200, 'the session opens the CRM to an agent');

  const user = await app.sessionFromCookieHeader(`theme=dark; ${cookie}; lang=zh-CN`);
  t.match(user, { id, username: 'ann', role: 'agent', displayName: 'ann (test)' }, 'the WebSocket side reads the same session from a raw Cookie header');
  t.type(user?.createdAt, 'number');
  t.equal(await app.sessionFromCookieHeader(undefined), null);
  t.equal(await app.sessionFromCookieHeader('ringside_session=forged-value'), null);
  t.equal(await app.sessionFromCookieHeader(`ringside_session=${'A'.repeat(43)}`), null);

  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const keys = await redis.keys(`${config.redis.keyPrefix}*`);
  t.ok(keys.some((key) => key.includes('{auth}:session:')), 'the session lives in Redis under the configured prefix');
  t.notOk(keys.some((key) => key.includes(sessionId)), 'Redis keys carry a digest of the session id, not the id');
  const ttl = await redis.ttl(keys.find((key) => key.includes('{auth}:session:'))!);
  t.ok(ttl > 12 * 3600 - 5 && ttl <= 12 * 3600, `12 h by default (${ttl} s)`);

  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
  t.equal(logout.statusCode, 204);
  t.match(String(logout.headers['set-cookie']), /^ringside_session=; .*Expires=Thu, 01 Jan 1970/, 'the cookie is cleared');
  const after = await app.inject({ url: '/api/auth/me', headers: { cookie } });
  t.equal(after.statusCode, 401);
  t.equal(after.json<{ error: string }>().error, 'unauthorized');
  t.equal(await app.sessionFromCookieHeader(cookie), null, 'over for the WebSocket side too');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode, 204, 'logging out twice is fine');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode, 204, 'and without a cookie');

  const all = logs.join('\n');
  t.notOk(all.includes(sessionId), 'the session id is in no log line');
  t.notOk(all.includes(TEST_PASSWORD), 'the password is in no log line');
  t.match(all, /"msg":"logged in"/);
});

t.test('the Secure flag: over HTTPS behind a trusted proxy, or when configured', async (t) => {
  const proxied = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1' });
  await addUser(proxied.db.pool, 'ann', 'agent');
  const viaTls = await proxied.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
  t.match(String(viaTls.headers['set-cookie']), /; Secure/, 'https at the proxy');
  const plain = await proxied.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD } });
  t.notMatch(String(plain.headers['set-cookie']), /Secure/);

  const untrusted = await buildTestApp(t);
  await addUser(untrusted.db.pool, 'ann', 'agent');
  const spoofed = await untrusted.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
  t.notMatch(String(spoofed.headers['set-cookie']), /Secure/, 'X-Forwarded-Proto from an untrusted peer is ignored');

  const forced = await buildTestApp(t, { SESSION_COOKIE_SECURE: 'true' });
  await addUser(forced.db.pool, 'ann', 'agent');
  const secure = await forced.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD } });
  t.match(String(secure.headers['set-cookie']), /; HttpOnly; Secure; SameSite=Strict/, 'SESSION_COOKIE_SECURE=true');
});

t.test('logout everywhere ends every session of that user only, and says so on Redis', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const annId = await addUser(db.pool, 'ann', 'agent');
  await addUser(db.pool, 'bob', 'agent');
  const laptop = await logInAs(app, 'ann');
  const phone = await logInAs(app, 'ann');
  const bob = await logInAs(app, 'bob');

  const subscriber = new Redis(TEST_REDIS_URL);
  t.teardown(() => subscriber.disconnect());
  const events: SessionsEndedEvent[] = [];
  subscriber.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as SessionsEndedEvent));
  await subscriber.subscribe(authEventChannel(config.redis.keyPrefix));
  const laptopUser = await app.sessionFromCookieHeader(laptop.cookie);
  const phoneUser = await app.sessionFromCookieHeader(phone.cookie);

  const everywhere = await app.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: { cookie: laptop.cookie } });
  t.equal(everywhere.statusCode, 200, everywhere.body);
  t.same(everywhere.json(), { ended: 2 });
  t.match(String(everywhere.headers['set-cookie']), /^ringside_session=;/);
  for (const cookie of [laptop.cookie, phone.cookie]) t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode, 401);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: bob.cookie } })).statusCode, 200, 'bob stays logged in');

  const deadline = Date.now() + 2000;
  while (events.length === 0 && Date.now() < deadline) await sleep(20);
  t.equal(events.length, 1);
  t.match(events[0], { type: 'sessions.ended', userId: annId, reason: 'logout_everywhere' });
  t.same([...events[0]!.sessionRefs].sort(), [laptopUser!.sessionRef, phoneUser!.sessionRef].sort(), 'names the sessions by their refs');

  const withKey = await app.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: { authorization: 'Bearer test-api-key-0123456789' } });
  t.equal(withKey.statusCode, 403, 'an API key has no sessions');
});

t.test('sessions expire when idle; each use extends them', async (t) => {
  // 2 seconds.
  const { app, db } = await buildTestApp(t, { SESSION_TTL_HOURS: String(2 / 3600) });
  await addUser(db.pool, 'ann', 'agent');
  const { cookie } = await logInAs(app, 'ann');
  for (let i = 0; i < 3; i++) {
    await sleep(1200);
    t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode, 200, `still valid ${(i + 1) * 1.2} s after login: each use slides the expiry`);
  }
  await sleep(2600);
  const expired = await app.inject({ url: '/api/auth/me', headers: { cookie } });
  t.equal(expired.statusCode, 401, 'gone after 2 s without use');
  t.match(expired.json<{ message: string }>().message, /log in again/);
});

t.test('a deactivated user cannot log in, and their sessions stop working at once', async (t) => {
  const { app, db } = await buildTestApp(t);
  const annId = await addUser(db.pool, 'ann', 'agent');
  const bobId = await addUser(db.pool, 'bob', 'agent');
  await addUser(db.pool, 'root', 'admin');
  const admin = await logInAs(app, 'root');
  const ann = await logInAs(app, 'ann');
  const bob = await logInAs(app, 'bob');

  const deactivated = await app.inject({ method: 'PATCH', url: `/api/users/${annId}`, headers: { cookie: admin.cookie }, payload: { active: false } });
  t.equal(deactivated.statusCode, 200, deactivated.body);
  t.equal(deactivated.json<{ active: boolean }>().active, false);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: ann.cookie } })).statusCode, 401, 'her session ended');
  const again = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD } });
  t.equal(again.statusCode, 401);
  t.same(again.json(), { error: 'invalid_credentials', message: 'wrong username or password' }, 'the same answer as a wrong password');

  // Whoever flips the flag, even straight in SQL, the session is refused on its next use.
  await db.pool.query('UPDATE users SET active = false WHERE id = $1', [bobId]);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: bob.cookie } })).statusCode, 401);
  await db.pool.query('UPDATE users SET active = true WHERE id = $1', [bobId]);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: bob.cookie } })).statusCode, 401, 'and stays ended when reactivated');
  t.equal((await logInAs(app, 'bob')).response.statusCode, 200, 'a reactivated user logs in again');
});

t.test('changing the password or the role ends the user\'s sessions', async (t) => {
  const { app, db } = await buildTestApp(t);
  const annId = await addUser(db.pool, 'ann', 'agent');
  await addUser(db.pool, 'root', 'admin');
  const admin = await logInAs(app, 'root');
  let ann = await logInAs(app, 'ann');
  const renamed = await app.inject({ method: 'PATCH', url: `/api/users/${annId}`, headers: { cookie: admin.cookie }, payload: { displayName: 'Ann Lee' } });
  t.equal(renamed.statusCode, 200);
  t.match((await app.inject({ url: '/api/auth/me', headers: { cookie: ann.cookie } })).json(), { displayName: 'Ann Lee' }, 'a new name keeps the session and shows at once');

  t.equal((await app.inject({ method: 'PATCH', url: `/api/users/${annId}`, headers: { cookie: admin.cookie }, payload: { role: 'supervisor' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: ann.cookie } })).statusCode, 401, 'a new role needs a new login');
  ann = await logInAs(app, 'ann');
  t.equal((await app.inject({ method: 'PATCH', url: `/api/users/${annId}`, headers: { cookie: admin.cookie }, payload: { password: 'a-brand-new-password' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: ann.cookie } })).statusCode, 401, 'a new password ends the sessions');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD } })).statusCode, 401, 'the old password no longer works');
  t.equal((await logInAs(app, 'ann', 'a-brand-new-password')).response.statusCode, 200);
});

t.test('failed logins do not tell whether the user exists, by answer or by time', async (t) => {
  const { app, db } = await buildTestApp(t);
  await addUser(db.pool, 'ann', 'agent');
  const attempt = async (username: string, remoteAddress: string) => {
    const started = performance.now();
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'wrong-password' }, remoteAddress });
    return { response, ms: performance.now() - started };
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 4; i++) {
    // A new address each time: the throttle must not step in here.
    const a = await attempt('ann', `10.0.0.${i + 1}`);
    const b = await attempt('nobody', `10.0.1.${i + 1}`);
    t.equal(a.response.statusCode, 401);
    t.equal(b.response.statusCode, 401);
    t.same(a.response.json(), b.response.json(), 'the same body');
    known.push(a.ms);
    unknown.push(b.ms);
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  t.ok(median(unknown) > median(known) * 0.4, `an unknown user takes about as long (median ${median(unknown).toFixed(0)} ms vs ${median(known).toFixed(0)} ms): a dummy verification ran`);
});

t.test('login attempts are throttled per username and address, and per address', async (t) => {
  const { app, db } = await buildTestApp(t);
  await addUser(db.pool, 'ann', 'agent');
  await addUser(db.pool, 'bob', 'agent');
  const login = (username: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  for (let i = 0; i < 4; i++) t.equal((await login('ann', 'wrong-password', '10.1.0.1')).statusCode, 401);
  t.equal((await login('ann', TEST_PASSWORD, '10.1.0.1')).statusCode, 200, 'four failures, then the right password: in');
  for (let i = 0; i < 5; i++) t.equal((await login('ann', 'wrong-password', '10.1.0.1')).statusCode, 401, `failure ${i + 1} after a success: the success cleared the count`);
  const blocked = await login('ann', TEST_PASSWORD, '10.1.0.1');
  t.equal(blocked.statusCode, 429, 'the sixth attempt is refused, even with the right password');
  t.equal(blocked.json<{ error: string }>().error, 'too_many_attempts');
  const retryAfter = Number(blocked.headers['retry-after']);
  t.ok(retryAfter > 890 && retryAfter <= 900, `Retry-After is the rest of the 15-minute window (${retryAfter} s)`);
  t.equal((await login('ANN', TEST_PASSWORD, '10.1.0.1')).statusCode, 429, 'the username is counted case-blind');
  t.equal((await login('ann', TEST_PASSWORD, '10.1.0.2')).statusCode, 200, 'the same user from another address is not locked out');
  t.equal((await login('bob', TEST_PASSWORD, '10.1.0.1')).statusCode, 200, 'another user from that address is not either');

  // Spraying: many usernames from one address.
  for (let i = 0; i < 30; i++) t.equal((await login(`user${i}`, 'wrong-password', '10.2.0.1')).statusCode, 401);
  const sprayed = await login('bob', TEST_PASSWORD, '10.2.0.1');
  t.equal(sprayed.statusCode, 429, 'after 30 failures from one address, every username is refused there');
  t.ok(Number(sprayed.headers['retry-after']) > 0);
  t.equal((await login('bob', TEST_PASSWORD, '10.2.0.2')).statusCode, 200);
});

t.test('bad login bodies are refused with the usual error shape', async (t) => {
  const { app } = await buildTestApp(t);
  for (const payload of [{}, { username: 'ann' }, { username: '', password: 'x' }, { username: 'ann', password: 'x', extra: 1 }, { username: 'a'.repeat(65), password: 'x' }]) {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload });
    t.equal(response.statusCode, 400, JSON.stringify(payload));
    t.equal(response.json<{ error: string }>().error, 'invalid_input');
  }
});
