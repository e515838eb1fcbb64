import fc from 'fast-check';
import t from 'tap';
import '@fastify/swagger';
import { wellFormed } from '../../src/text/unicode.js';
import { login } from '../helpers/consoles.js';
import { startSite } from '../helpers/site.js';
import { hostileString, objectFor, valueFor, type JsonSchema } from './schema-values.js';

/** The parts of the OpenAPI document the fuzzer reads. */
interface Operation {
  parameters?: { in: string; name: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema } | undefined> };
}
type PathItem = Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>>;

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 40);
const API_KEY = 'fuzz-api-key-0123456789abcdef';

/** Ending the fuzzing session itself would only test the login page. */
const SKIPPED = new Set(['POST /api/auth/logout', 'POST /api/auth/logout-everywhere']);

/** What PostgreSQL holds that a request may change; the audit log is left out (refused supervisor actions are audited by design). */
const STATE_TABLES = ['customers', 'customer_phones', 'contacts', 'tickets', 'orders', 'users', 'user_skills', 'interactions', 'callbacks', 'dnc_numbers', 'campaigns'];
const DIGEST_SQL = `SELECT md5(concat_ws('|', ${STATE_TABLES.map((table) => `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ${table} t)`).join(', ')})) AS digest`;

/** Path parameters never name the site's own users (the fuzzer must not deactivate its own admin). */
const pathParam = fc.oneof(hostileString.filter((value) => value !== '' && !/^\s*0*[1-9]\s*$/.test(value)), fc.integer({ min: 1_000_000, max: 2 ** 40 }).map(String), fc.constantFrom('0', '-1', '1.5', '0x10'));

t.test('every REST route under random path parameters, query strings and bodies: no 5xx, a precise error, nothing changed by a refusal', async (t) => {
  const site = await startSite(t, {
    env: { API_KEYS: API_KEY, DISPOSITIONS: 'resolved,follow_up' },
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } },
      { username: 'sue', role: 'supervisor', endpoint: 'PJSIP/3009' },
      { username: 'root', role: 'admin' },
    ],
  });
  const { server, db } = site;
  const cookies = { agent: await login(server, 'ann'), supervisor: await login(server, 'sue'), admin: await login(server, 'root') };
  await db.pool.query(`INSERT INTO customers (name) VALUES ('Li Wei'), ('Zhang Min')`);
  const document = server.app.swagger() as unknown as { paths: Record<string, PathItem> };
  const access = new Map(server.app.routeAccess.map((route) => [`${route.method} ${route.url}`, route.roles ?? []]));
  const digest = async () => (await db.pool.query<{ digest: string }>(DIGEST_SQL)).rows[0]!.digest;
  const agentState = async () => JSON.stringify(await server.telephony.acd.store.getAgent(site.ids.ann!));

  let cases = 0;
  const statuses = new Map<number, number>();
  const transient: string[] = [];
  for (const [openApiPath, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const fastifyPath = openApiPath.replace(/\{(\w+)\}/g, ':$1');
      const name = `${method.toUpperCase()} ${fastifyPath}`;
      if (SKIPPED.has(name)) continue;
      const roles = access.get(`${method.toUpperCase()} ${fastifyPath}`) ?? [];
      const parameters = operation.parameters ?? [];
      const query = parameters.filter((parameter) => parameter.in === 'query');
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const request = fc.record({
        path: fc.constant(openApiPath).chain((template) => {
          const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
          return fc.tuple(...names.map(() => pathParam)).map((values) => names.reduce((url, param, index) => url.replace(`{${param}}`, encodeURIComponent(wellFormed(values[index]!))), template));
        }),
        query: fc.record(Object.fromEntries(query.map((parameter) => [parameter.name, valueFor(parameter.schema)])), { requiredKeys: [] }),
        body: bodySchema ? fc.oneof({ weight: 6, arbitrary: objectFor(bodySchema) }, { weight: 1, arbitrary: valueFor(undefined) }) : fc.constant(undefined),
        as: fc.constantFrom<'agent' | 'supervisor' | 'admin' | 'integration'>(...(roles.length > 0 ? roles : (['admin'] as const))),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ path, query: values, body, as }) => {
          const search = new URLSearchParams(Object.entries(values).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])).toString();
          const before = await digest();
          const agentBefore = await agentState();
          const headers: Record<string, string> = as === 'integration' ? { authorization: `Bearer ${API_KEY}` } : { cookie: cookies[as] };
          const send = () =>
            server.app.inject({
              method: method.toUpperCase() as 'GET',
              url: `/api${path.replace(/^\/api/, '')}${search ? `?${search}` : ''}`,
              headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
              ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
            });
          let response = await send();
          if (response.statusCode === 503) {
            // A 503 says "try again shortly" (Retry-After): a loaded machine can make a database connection wait past
            // its timeout. Once, as a client would; a second 503 while everything is up is counted as a failure.
            transient.push(`${name} as ${as} -> ${response.body.slice(0, 200)}`);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            response = await send();
          }
          cases += 1;
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const where = `${name} as ${as}: ${path}?${search} ${JSON.stringify(body)?.slice(0, 300)} -> ${response.statusCode} ${response.body.slice(0, 300)}`;
          if (response.statusCode >= 500 && response.statusCode !== 503) throw new Error(`5xx: ${where}`);
          if (response.statusCode >= 400) {
            const error = response.json<{ error?: unknown; message?: unknown }>();
            if (typeof error.error !== 'string' || typeof error.message !== 'string' || error.message === '') throw new Error(`imprecise error: ${where}`);
            if ((await digest()) !== before || (await agentState()) !== agentBefore) throw new Error(`a refused request changed state: ${where}`);
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
  }
  t.ok(cases > 1000, `${cases} requests over every documented route`);
  t.ok((statuses.get(400) ?? 0) > cases / 10, 'many refused as bad input');
  t.ok([...statuses.keys()].some((status) => status < 300), 'some went through');
  t.equal(statuses.get(503) ?? 0, 0, 'PostgreSQL, Redis and Asterisk were up: nothing was unavailable');
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  if (transient.length > 0) t.comment(`503 then retried: ${transient.join('; ')}`);
  t.equal((await fetch(`${server.url}/health`)).status, 200, 'the server is still up');
});
