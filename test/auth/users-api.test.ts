import t from 'tap';
import { verifyPassword } from '../../src/auth/passwords.js';
import { buildTestApp } from '../helpers/app.js';
import { addUser, logInAs } from '../helpers/auth.js';

t.test('an admin creates, lists and changes users over REST', async (t) => {
  const { app, db, logs } = await buildTestApp(t);
  await addUser(db.pool, 'ada', 'admin');
  const { cookie } = await logInAs(app, 'ada');
  const headers = { cookie };

  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: 'li.na', displayName: 'Li Na 李娜', role: 'agent', password: 'li-na-password', defaultEndpoint: 'PJSIP/1001', skills: { support: 8, 'lang:zh': 10 } },
  });
  t.equal(created.statusCode, 201, created.body);
  const user = created.json<{ id: number }>();
  t.equal(created.headers.location, `/api/users/${user.id}`);
  t.match(user, { username: 'li.na', displayName: 'Li Na 李娜', role: 'agent', defaultEndpoint: 'PJSIP/1001', active: true, skills: { support: 8, 'lang:zh': 10 } });
  t.same(Object.keys(user).sort(), ['active', 'createdAt', 'defaultEndpoint', 'displayName', 'id', 'role', 'skills', 'username'], 'no password or hash in the answer');
  t.equal((await logInAs(app, 'li.na', 'li-na-password')).response.statusCode, 200, 'the new user logs in');

  const list = await app.inject({ url: '/api/users', headers });
  t.same(list.json<{ users: Array<{ username: string }> }>().users.map((u) => u.username), ['ada', 'li.na']);
  t.notMatch(list.body, /argon2|password/i);

  const changed = await app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers, payload: { defaultEndpoint: null, displayName: 'Li Na', password: 'another-password' } });
  t.equal(changed.statusCode, 200, changed.body);
  t.match(changed.json(), { displayName: 'Li Na', defaultEndpoint: null, role: 'agent' });
  const { rows } = await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
  t.ok(await verifyPassword(rows[0]!.password_hash, 'another-password'));
  t.equal((await app.inject({ method: 'PATCH', url: '/api/users/999999', headers, payload: { active: false } })).statusCode, 404);

  const all = logs.join('\n');
  t.notOk(all.includes('li-na-password') || all.includes('another-password'), 'passwords are in no log line');
  t.match(all, /"msg":"user created"/);
});

t.test('bad user input gets a 4xx and writes nothing', async (t) => {
  const { app, db } = await buildTestApp(t);
  const adaId = await addUser(db.pool, 'ada', 'admin');
  const { cookie } = await logInAs(app, 'ada');
  const snapshot = async (): Promise<unknown[]> => [
    ...(await db.pool.query<Record<string, unknown>>('SELECT * FROM users ORDER BY id')).rows,
    ...(await db.pool.query<Record<string, unknown>>('SELECT * FROM user_skills ORDER BY user_id, skill')).rows,
  ];
  const before = await snapshot();
  const good = { username: 'bob', displayName: 'Bob', role: 'agent', password: 'bob-password' };
  const cases: Array<{ method: 'POST' | 'PATCH'; url?: string; payload: Record<string, unknown>; status: number; code: string; message?: RegExp }> = [
    { method: 'POST', payload: { ...good, username: 'Bob' }, status: 400, code: 'invalid_input', message: /username/ },
    { method: 'POST', payload: { ...good, username: 'b' }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, role: 'boss' }, status: 400, code: 'invalid_input', message: /role must be one of agent, supervisor, admin/ },
    { method: 'POST', payload: { ...good, password: 'short' }, status: 400, code: 'invalid_input', message: /password/ },
    { method: 'POST', payload: { ...good, displayName: ' ' }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, defaultEndpoint: '1001' }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, skills: { Support: 5 } }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, skills: { support: 11 } }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, active: false }, status: 400, code: 'invalid_input' },
    { method: 'POST', payload: { ...good, username: 'ada' }, status: 409, code: 'conflict', message: /ada already exists/ },
    { method: 'PATCH', url: `/api/users/${adaId}`, payload: {}, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: `/api/users/${adaId}`, payload: { username: 'renamed' }, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: `/api/users/${adaId}`, payload: { role: 'root' }, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: '/api/users/abc', payload: { active: false }, status: 400, code: 'invalid_input' },
  ];
  for (const c of cases) {
    const response = await app.inject({ method: c.method, url: c.url ?? '/api/users', headers: { cookie }, payload: c.payload });
    t.equal(response.statusCode, c.status, `${c.method} ${JSON.stringify(c.payload)}: ${response.body}`);
    t.equal(response.json<{ error: string }>().error, c.code);
    if (c.message) t.match(response.json<{ message: string }>().message, c.message);
  }
  t.same(await snapshot(), before, 'nothing written');
});
