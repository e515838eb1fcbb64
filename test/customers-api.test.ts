import t from 'tap';
import { buildTestApp } from './helpers/app.js';

const alice = {
  externalId: 'EXT-1',
  name: '王芳',
  company: '上海星辰贸易有限公司',
  tier: 'gold',
  lifetimeValue: 12500.5,
  preferredLanguage: 'zh-CN',
  birthday: '1985-04-12',
  notes: '老客户',
  phones: [{ number: '138 0013 8000' }, { number: '+1 415 555 0123', label: 'work' }],
};

t.test('create, read, update and search customers', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const created = await app.inject({ method: 'POST', url: '/api/customers', headers: auth, payload: alice });
  t.equal(created.statusCode, 201, created.body);
  const customer = created.json<{ id: number; phones: unknown[]; tier: string; doNotCall: boolean; createdAt: string }>();
  t.equal(created.headers.location, `/api/customers/${customer.id}`);
  t.same(customer.phones, [
    { e164: '+8613800138000', label: 'mobile', primary: true },
    { e164: '+14155550123', label: 'work', primary: false },
  ]);
  t.equal(customer.doNotCall, false, 'defaults applied');
  t.match(customer.createdAt, /^\d{4}-\d{2}-\d{2}T/);

  const read = await app.inject({ url: `/api/customers/${customer.id}`, headers: auth });
  t.same(read.json(), customer);

  const updated = await app.inject({
    method: 'PATCH',
    url: `/api/customers/${customer.id}`,
    headers: auth,
    payload: { tier: 'platinum', doNotCall: true, phones: [{ number: '+86 10 6552 9988', label: 'office' }] },
  });
  t.equal(updated.statusCode, 200, updated.body);
  t.equal(updated.json<{ tier: string }>().tier, 'platinum');
  t.same(updated.json<{ phones: unknown }>().phones, [{ e164: '+861065529988', label: 'office', primary: true }]);
  t.equal(updated.json<{ name: string }>().name, '王芳', 'untouched fields kept');

  for (const query of ['name=%E7%8E%8B', 'name=%E4%B8%8A%E6%B5%B7', 'phone=010%206552%209988', 'externalId=EXT-1', 'name=%E7%8E%8B&externalId=EXT-1']) {
    const found = await app.inject({ url: `/api/customers?${query}`, headers: auth });
    t.equal(found.statusCode, 200, query);
    t.same(found.json<{ customers: Array<{ id: number }> }>().customers.map((c) => c.id), [customer.id], query);
  }
  const none = await app.inject({ url: '/api/customers?phone=13800138000', headers: auth });
  t.same(none.json<{ customers: unknown[] }>().customers, [], 'old number no longer matches');
  const wildcard = await app.inject({ url: '/api/customers?name=%25', headers: auth });
  t.same(wildcard.json<{ customers: unknown[] }>().customers, [], '% is matched literally, not as a wildcard');
});

t.test('bad input gets a 4xx with a code and changes nothing', async (t) => {
  const { app, auth, db } = await buildTestApp(t);
  const created = await app.inject({ method: 'POST', url: '/api/customers', headers: auth, payload: alice });
  const id = created.json<{ id: number }>().id;
  const snapshot = async (): Promise<unknown[]> => (await db.pool.query<Record<string, unknown>>('SELECT c.*, (SELECT array_agg(e164 ORDER BY e164) FROM customer_phones WHERE customer_id = c.id) AS phones FROM customers c ORDER BY id')).rows;
  const before = await snapshot();

  const cases: Array<{ method: 'POST' | 'PATCH' | 'GET'; url: string; payload?: unknown; body?: string; status: number; code: string; message?: RegExp }> = [
    { method: 'POST', url: '/api/customers', payload: { name: '' }, status: 400, code: 'invalid_input', message: /name/ },
    { method: 'POST', url: '/api/customers', payload: { name: 'X', tier: 'diamond' }, status: 400, code: 'invalid_input' },
    { method: 'POST', url: '/api/customers', payload: { name: 'X', unknownField: 1 }, status: 400, code: 'invalid_input' },
    { method: 'POST', url: '/api/customers', payload: { name: 'X', birthday: '1985-13-45' }, status: 400, code: 'invalid_input' },
    { method: 'POST', url: '/api/customers', payload: { name: 'X', lifetimeValue: -1 }, status: 400, code: 'invalid_input' },
    { method: 'POST', url: '/api/customers', payload: { name: 'X', phones: [{ number: 'not a phone' }] }, status: 400, code: 'invalid_input', message: /phones\/0\/number/ },
    { method: 'POST', url: '/api/customers', payload: { name: 'Dup', externalId: 'EXT-1' }, status: 409, code: 'conflict' },
    { method: 'POST', url: '/api/customers', body: '{"name": "broken', status: 400, code: 'invalid_body' },
    { method: 'POST', url: '/api/customers', payload: [1, 2], status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: `/api/customers/${id}`, payload: {}, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: `/api/customers/${id}`, payload: { phones: [{ number: '+86 138' }] }, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: `/api/customers/${id}`, payload: { externalId: null, name: 'ok', tier: 'nope' }, status: 400, code: 'invalid_input' },
    { method: 'PATCH', url: '/api/customers/999999', payload: { name: 'Ghost' }, status: 404, code: 'not_found' },
    { method: 'GET', url: '/api/customers/abc', status: 400, code: 'invalid_input' },
    { method: 'GET', url: '/api/customers/99999999999999999999', status: 400, code: 'invalid_input' },
    { method: 'GET', url: '/api/customers/424242', status: 404, code: 'not_found' },
    { method: 'GET', url: '/api/customers', status: 400, code: 'invalid_input', message: /at least one/ },
    { method: 'GET', url: '/api/customers?phone=garbage', status: 400, code: 'invalid_input' },
    { method: 'GET', url: '/api/customers?name=x&limit=1000', status: 400, code: 'invalid_input' },
    { method: 'GET', url: '/api/nowhere', status: 404, code: 'not_found' },
  ];
  for (const c of cases) {
    const response = await app.inject({
      method: c.method,
      url: c.url,
      headers: { ...auth, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(c.body !== undefined ? { payload: c.body } : c.payload !== undefined ? { payload: c.payload as object } : {}),
    });
    t.equal(response.statusCode, c.status, `${c.method} ${c.url} ${JSON.stringify(c.payload ?? c.body ?? '')}: ${response.body}`);
    const body = response.json<{ error: string; message: string }>();
    t.equal(body.error, c.code);
    t.type(body.message, 'string');
    if (c.message) t.match(body.message, c.message);
  }
  t.same(await snapshot(), before, 'no rejected request changed anything');
});

t.test('the REST API needs an API key', async (t) => {
  const { app } = await buildTestApp(t);
  const missing = await app.inject({ url: '/api/customers?name=a' });
  t.equal(missing.statusCode, 401);
  t.equal(missing.json<{ error: string }>().error, 'unauthorized');
  const wrong = await app.inject({ url: '/api/customers?name=a', headers: { authorization: 'Bearer wrong-key-wrong-key' } });
  t.equal(wrong.statusCode, 401);
  const header = await app.inject({ url: '/api/customers?name=a', headers: { 'x-api-key': 'test-api-key-0123456789' } });
  t.equal(header.statusCode, 200);
  const open = await app.inject({ url: '/health' });
  t.equal(open.statusCode, 200, 'operations endpoints stay open');
});

t.test('with no API keys configured the API refuses everyone', async (t) => {
  const { app } = await buildTestApp(t, { API_KEYS: '' });
  const response = await app.inject({ url: '/api/customers?name=a', headers: { authorization: 'Bearer anything-at-all-here' } });
  t.equal(response.statusCode, 401);
  t.match(response.json<{ message: string }>().message, /no API keys are configured/);
});
