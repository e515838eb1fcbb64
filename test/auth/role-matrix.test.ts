import t from 'tap';
import type { InjectOptions } from 'fastify';
import type { PrincipalRole } from '../../src/auth/principal.js';
import { SessionAuth } from '../../src/auth/session-auth.js';
import { loadConfig } from '../../src/config/env.js';
import { startServer } from '../../src/server.js';
import { startSimulator } from '../../src/telephony/simulator/index.js';
import { buildTestApp, TEST_API_KEY } from '../helpers/app.js';
import { addUser } from '../helpers/auth.js';
import { createTestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { capturedLogger } from '../helpers/logs.js';
import { createTestRedis } from '../helpers/redis.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';

/**
 * Who may call what: the table of README.md's "Users, sessions and roles". Every route the server
 * registers must be here (a new route fails this test until its roles are decided and written down).
 * `agent:self` — an agent, for their own agent id only.
 */
type Allowed = 'public' | Array<Exclude<PrincipalRole, 'agent'> | 'agent' | 'agent:self'>;
const PEOPLE = ['agent', 'supervisor', 'admin'] as const;
const EVERYONE = ['agent', 'supervisor', 'admin', 'integration'] as const;
const SUPERVISION = ['supervisor', 'admin', 'integration'] as const;
const MATRIX: Record<string, Allowed> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/logout-everywhere': [...PEOPLE],
  'GET /api/auth/me': [...PEOPLE],
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'POST /api/customers': [...EVERYONE],
  'GET /api/customers': [...EVERYONE],
  'GET /api/customers/:id': [...EVERYONE],
  'PATCH /api/customers/:id': [...EVERYONE],
  'GET /api/caller-lookup': [...EVERYONE],
  'GET /api/agents': [...EVERYONE],
  'POST /api/agents/:agentId/state': ['agent:self', ...SUPERVISION],
  'GET /api/queues': [...SUPERVISION],
  'GET /api/queues/:queue/calls': [...SUPERVISION],
  'PATCH /api/calls/:callId': [...SUPERVISION],
  // Reports and the interaction search (src/http/routes/reports.ts).
  'GET /api/reports/queues': [...SUPERVISION],
  'GET /api/reports/agents': [...SUPERVISION],
  'GET /api/interactions': [...SUPERVISION],
  // Supervisor actions (src/supervision) and their audit log: people only, a phone and a name are needed.
  'POST /api/agents/:agentId/monitor': ['supervisor', 'admin'],
  'GET /api/monitor': ['supervisor', 'admin'],
  'DELETE /api/monitor': ['supervisor', 'admin'],
  'GET /api/audit': ['supervisor', 'admin'],
  // The agent console (src/http/routes/console.ts): about the calling agent's own call only.
  'GET /api/console/config': ['agent'],
  'POST /api/console/call/hold': ['agent'],
  'POST /api/console/call/resume': ['agent'],
  'POST /api/console/call/hangup': ['agent'],
  'POST /api/console/call/transfer': ['agent'],
  'POST /api/console/call/consult': ['agent'],
  'POST /api/console/call/consult/complete': ['agent'],
  'POST /api/console/call/consult/cancel': ['agent'],
  'POST /api/console/call/pick': ['agent'],
  'POST /api/console/call/attributes': ['agent'],
  'POST /api/console/call/notes': ['agent'],
  'POST /api/console/wrap-up': ['agent'],
  'GET /api/console/recent-calls': ['agent'],
  // Callbacks (src/http/routes/callbacks.ts): requests from systems and supervisors, follow-ups from agents.
  'POST /api/callbacks': ['integration', 'supervisor', 'admin'],
  'GET /api/callbacks': [...SUPERVISION],
  'GET /api/callbacks/:id': [...SUPERVISION],
  'POST /api/callbacks/:id/cancel': [...SUPERVISION],
  'POST /api/console/follow-ups': ['agent'],
  'GET /api/dnc': [...SUPERVISION],
  'PUT /api/dnc/:number': [...SUPERVISION],
  'DELETE /api/dnc/:number': [...SUPERVISION],
  'POST /api/campaigns': [...SUPERVISION],
  'GET /api/campaigns': [...SUPERVISION],
  'GET /api/campaigns/:id': [...SUPERVISION],
  'POST /api/campaigns/:id/pause': [...SUPERVISION],
  'POST /api/campaigns/:id/resume': [...SUPERVISION],
  // The realtime channel (src/realtime): the WebSocket upgrade is a GET like any other.
  'GET /ws': [...PEOPLE],
  // The web pages (src/http/web-pages.ts): the page is open (it holds the login form); its data needs the session.
  'GET /agent': 'public',
  'GET /agent/': 'public',
  'GET /agent/*': 'public',
  'GET /wallboard': 'public',
  'GET /wallboard/': 'public',
  'GET /wallboard/*': 'public',
  'GET /assets/*': 'public',
};

/** The API docs (swagger-ui's pages and assets) are open, whatever their paths. */
const allowedFor = (method: string, url: string): Allowed | undefined =>
  url === '/docs' || url.startsWith('/docs/') ? 'public' : MATRIX[`${method === 'HEAD' ? 'GET' : method} ${url}`];

type Caller = 'anonymous' | 'agent' | 'supervisor' | 'admin' | 'integration';
const CALLERS: Caller[] = ['anonymous', 'agent', 'supervisor', 'admin', 'integration'];

t.test('every registered route, for anonymous, agent, supervisor, admin and API key', async (t) => {
  const db = await createTestDatabase(t);
  const { redis, prefix } = await createTestRedis(t);
  const simulator = await startSimulator({ port: 0, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: ['ringside'], endpoints: { 'PJSIP/3001': { behaviour: 'manual' }, 'PJSIP/3002': { behaviour: 'manual' } } });
  t.teardown(() => simulator.close());
  const annId = await addUser(db.pool, 'ann', 'agent', { defaultEndpoint: 'PJSIP/3001', skills: { support: 5 } });
  const benId = await addUser(db.pool, 'ben', 'agent', { defaultEndpoint: 'PJSIP/3002', skills: { support: 5 } });
  const ids = { agent: annId, supervisor: await addUser(db.pool, 'sue', 'supervisor'), admin: await addUser(db.pool, 'ada', 'admin') };
  const dir = t.testdir({
    flows: { 'q.yaml': 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n' },
    rules: { 'r.yaml': 'queues:\n  - { name: support, whenNoAgents: { action: wait } }\nrules:\n  - { name: everyone, queue: support }\n' },
  });
  const config = loadConfig({
    HTTP_PORT: '0',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ARI_URL: simulator.url,
    ARI_USER,
    ARI_PASSWORD,
    API_KEYS: TEST_API_KEY,
    IVR_FLOWS_DIR: `${dir}/flows`,
    ROUTING_RULES_DIR: `${dir}/rules`,
  });
  const { logger } = capturedLogger([ARI_PASSWORD, TEST_API_KEY], 'warn');
  const server = await startServer(config, logger);
  t.teardown(() => server.close());
  const app = server.app;
  const sessions = new SessionAuth(db.pool, redis, 3600);

  const routes = app.routeAccess.filter((route) => route.method !== 'OPTIONS');
  t.ok(routes.some((route) => route.url === '/api/agents/:agentId/state'), 'the ACD routes are registered');
  t.same(routes.filter((route) => !route.public && !route.roles).map((route) => `${route.method} ${route.url}`), [], 'every route declares public or its roles');
  t.same(routes.filter((route) => allowedFor(route.method, route.url) === undefined).map((route) => `${route.method} ${route.url}`), [], 'every route is in the role matrix (and README.md)');
  for (const route of routes) {
    const expected = allowedFor(route.method, route.url);
    if (expected !== undefined) t.same(route.public ? 'public' : route.roles, expected === 'public' ? 'public' : expected.map((role) => (role === 'agent:self' ? 'agent' : role)), `${route.method} ${route.url}: declared as in the matrix`);
  }

  /** A fresh session each time: a request may end it (logout everywhere). */
  const headersOf = async (caller: Caller): Promise<Record<string, string>> => {
    if (caller === 'anonymous') return {};
    if (caller === 'integration') return { authorization: `Bearer ${TEST_API_KEY}` };
    const username = { agent: 'ann', supervisor: 'sue', admin: 'ada' }[caller];
    const { sessionId } = await sessions.open({ id: ids[caller], username, displayName: username, role: caller });
    return { cookie: `ringside_session=${sessionId}` };
  };
  // Sample values for path parameters; an agent's own id is tried separately below.
  const samples: Record<string, string> = { id: '1', agentId: String(benId), queue: 'support', callId: 'no-such-call', '*': 'index.html' };
  const urlOf = (url: string) => url.replace(/:(\w+)/g, (_match, name: string) => samples[name] ?? 'x').replace(/\*$/, samples['*']!);
  const call = async (method: string, url: string, caller: Caller) => {
    const options: InjectOptions = { method, url, headers: await headersOf(caller) };
    // Empty bodies: validation (after the guard) refuses them, so an allowed call changes nothing.
    if (['POST', 'PATCH', 'PUT', 'DELETE'].includes(method) && !url.endsWith('/logout')) options.payload = {};
    return app.inject(options);
  };

  const mismatches: string[] = [];
  for (const route of routes) {
    const allowed = allowedFor(route.method, route.url);
    if (allowed === undefined) continue;
    for (const caller of CALLERS) {
      const response = await call(route.method, urlOf(route.url), caller);
      const permitted = allowed === 'public' || (caller !== 'anonymous' && allowed.includes(caller));
      const refusedAs = caller === 'anonymous' && allowed !== 'public' ? 401 : caller === 'agent' && allowed !== 'public' && allowed.includes('agent:self') ? 403 : permitted ? null : 403;
      const status = response.statusCode;
      const ok = refusedAs === null ? status !== 401 && status !== 403 : status === refusedAs;
      if (!ok) mismatches.push(`${route.method} ${route.url} as ${caller}: ${status} ${response.body.slice(0, 120)} (expected ${refusedAs ?? 'not 401/403'})`);
      if (refusedAs !== null && ok && route.method !== 'HEAD') {
        const body = response.json<{ error: string; message: string }>();
        if (body.error !== (refusedAs === 401 ? 'unauthorized' : 'forbidden') || typeof body.message !== 'string') mismatches.push(`${route.method} ${route.url} as ${caller}: body ${response.body}`);
      }
    }
  }
  t.same(mismatches, [], `${routes.length} routes × ${CALLERS.length} callers as the matrix says`);

  // An agent acts on their own agent state, never on another's; and sees only themselves.
  const own = await call('POST', `/api/agents/${annId}/state`, 'agent');
  t.equal(own.statusCode, 400, 'her own state: past the guard (an empty body is then invalid)');
  const ann = await headersOf('agent');
  t.match(await app.inject({ method: 'POST', url: `/api/agents/${annId}/state`, headers: ann, payload: { action: 'login' } }), { statusCode: 200 });
  t.match(await app.inject({ method: 'POST', url: `/api/agents/${benId}/state`, headers: ann, payload: { action: 'login' } }), { statusCode: 403 });
  t.same((await app.inject({ url: '/api/agents', headers: ann })).json<Array<{ agentId: string }>>().map((agent) => agent.agentId), [String(annId)], 'an agent sees only herself');
  t.same((await app.inject({ url: '/api/agents', headers: await headersOf('supervisor') })).json<Array<{ agentId: string }>>().map((agent) => agent.agentId), [String(annId), String(benId)]);
  t.match(await app.inject({ method: 'POST', url: `/api/agents/${benId}/state`, headers: await headersOf('supervisor'), payload: { action: 'login' } }), { statusCode: 200 }, 'a supervisor forces any agent\'s state');

  const spec = (await app.inject({ url: '/docs/json' })).json<{ paths: Record<string, Record<string, { description?: string }>> }>();
  t.match(spec.paths['/api/users']!.post!.description, /Roles: admin\./, 'the OpenAPI description names the roles');
});

t.test('a route that declares no roles is refused to everyone (fail closed)', async (t) => {
  const { app, db, auth } = await buildTestApp(t);
  await addUser(db.pool, 'ada', 'admin');
  app.get('/api/forgotten', async () => ({ secret: 'data' }));
  app.get('/api/declared', { config: { roles: ['admin'] } }, async () => ({ fine: true }));
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ada', password: 'test-password-123' } });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;

  t.same(app.routeAccess.filter((route) => !route.public && !route.roles).map((route) => `${route.method} ${route.url}`), ['GET /api/forgotten', 'HEAD /api/forgotten'], 'the route list shows what lacks a declaration');
  const anonymous = await app.inject({ url: '/api/forgotten' });
  t.equal(anonymous.statusCode, 401);
  for (const headers of [{ cookie }, auth]) {
    const response = await app.inject({ url: '/api/forgotten', headers });
    t.equal(response.statusCode, 403);
    t.match(response.json(), { error: 'forbidden', message: 'GET /api/forgotten declares no roles, so nobody may call it' });
  }
  t.equal((await app.inject({ url: '/api/declared', headers: { cookie } })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/declared', headers: auth })).statusCode, 403, 'integration is not admin');
  t.equal((await app.inject({ url: '/api/nowhere', headers: {} })).statusCode, 404, 'an unknown path is a 404 for anyone: there is nothing to guard');
});

t.test('credentials: a wrong API key never falls back to the cookie; a bad cookie is a 401', async (t) => {
  const { app, db } = await buildTestApp(t);
  await addUser(db.pool, 'ada', 'admin');
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ada', password: 'test-password-123' } });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const both = await app.inject({ url: '/api/users', headers: { cookie, authorization: 'Bearer not-the-right-key-at-all' } });
  t.equal(both.statusCode, 401);
  t.equal(both.json<{ message: string }>().message, 'invalid API key');
  t.equal((await app.inject({ url: '/api/users', headers: { cookie, authorization: 'Basic YWRhOnBhc3M=' } })).statusCode, 401, 'another scheme is no key');
  const forged = await app.inject({ url: '/api/users', headers: { cookie: 'ringside_session=forged' } });
  t.equal(forged.statusCode, 401);
  t.match(forged.json(), { error: 'unauthorized', message: /log in again/ });
  t.equal((await app.inject({ url: '/api/users', headers: { cookie: 'other=1' } })).statusCode, 401, 'no session cookie: anonymous');
});
