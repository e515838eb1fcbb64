import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { login, openConsole } from '../helpers/consoles.js';
import { launchBrowser, openPage, ensureConsoleBuilt } from '../helpers/browser.js';
import { startSite } from '../helpers/site.js';

const FRIEND = 'https://crm.example.com';
const API_KEY = 'security-test-key-0123456789';

t.test('security headers, cross-site requests refused for cookie sessions, the realtime channel for our pages only', async (t) => {
  const { server, ids } = await startSite(t, {
    users: [{ username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } }],
    env: { ALLOWED_ORIGINS: FRIEND, API_KEYS: API_KEY },
  });
  const cookie = await login(server, 'ann');
  const state = `${server.url}/api/agents/${ids.ann}/state`;
  const post = (headers: Record<string, string>, url = state, body: unknown = { action: 'login' }) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const status = async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status ?? 'logged_out';

  const page = await fetch(`${server.url}/agent/`);
  const policy = (page.headers.get('content-security-policy') ?? '').split(';');
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) t.ok(policy.includes(directive), `the pages' content security policy has ${directive}`);
  t.notOk(policy.includes('upgrade-insecure-requests'), 'and works over plain HTTP on a LAN');
  t.equal(page.headers.get('x-content-type-options'), 'nosniff');
  t.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN');
  t.equal(page.headers.get('referrer-policy'), 'no-referrer');
  t.ok(page.headers.get('strict-transport-security'), 'HSTS for when it is served over TLS');
  t.match((await fetch(`${server.url}/health`)).headers.get('x-content-type-options'), 'nosniff', 'and on the API');

  const foreign = await post({ cookie, origin: 'https://evil.example' });
  t.equal(foreign.status, 403);
  t.match(await foreign.json(), { error: 'cross_origin_request', message: /another site's page is refused \(origin https:\/\/evil\.example\)/ });
  t.match(await post({ cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }), { status: 403 });
  t.match(await post({ cookie, 'sec-fetch-site': 'same-site', origin: 'http://other.localhost' }), { status: 403 }, 'a sibling site is another site too');
  t.match(await post({ cookie, origin: 'null' }), { status: 403 }, 'so is a sandboxed frame');
  t.equal(await status(), 'logged_out', 'the refused requests changed nothing');
  t.match(await post({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, `${server.url}/api/auth/login`, { username: 'ann', password: 'test-password-123' }), { status: 403 }, 'nor may another site log a browser in');

  t.match(await post({ cookie, origin: server.url, 'sec-fetch-site': 'same-origin' }), { status: 200 }, 'our own page may');
  t.equal(await status(), 'available');
  t.match(await post({ cookie, origin: FRIEND, 'sec-fetch-site': 'cross-site' }, state, { action: 'pause', reason: 'break' }), { status: 200 }, 'and a configured origin');
  t.match(await post({ cookie }, state, { action: 'resume' }), { status: 200 }, 'a client that is not a browser sends neither header and has no cookie to abuse');
  t.match(await post({ authorization: `Bearer ${API_KEY}`, origin: 'https://evil.example' }, `${server.url}/api/callbacks`, {}), { status: 400 }, 'an API key carries no ambient credential: judged by the key, then the body');

  await t.rejects(openConsole(server, { cookie, origin: 'https://evil.example' }), /refused: 403/, 'no realtime channel for another site');
  const friendly = await openConsole(server, { cookie, origin: FRIEND });
  t.equal((await friendly.next('snapshot')).type, 'snapshot', 'a configured origin may open it');
  await friendly.close();
});

t.test('in a real browser: our page works under the policy, a page of another origin on the same site cannot use the session', async (t) => {
  await ensureConsoleBuilt();
  const { server } = await startSite(t, { users: [{ username: 'ann', role: 'agent', endpoint: 'PJSIP/3001' }] });
  const cookie = await login(server, 'ann');
  // Another port of the same host: the same site for cookies (SameSite=Strict sends the cookie), another origin.
  const attacker = http.createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><script>
      fetch(${JSON.stringify(`${server.url}/api/auth/logout`)}, { method: 'POST', credentials: 'include', mode: 'no-cors' })
        .finally(() => { document.title = 'sent'; });
    </script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
  const browser = await launchBrowser(t);
  const { context, page, errors } = await openPage(browser);
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);

  await page.goto(`${server.url}/agent/`);
  await page.getByText('ann', { exact: false }).first().waitFor({ timeout: 10_000 });
  t.same(errors.filter((error) => /Content Security Policy/i.test(error)), [], 'the console runs under the policy (no script or connection blocked)');
  await page.goto(`${server.url}/docs`);
  await page.getByText('Ringside REST API').first().waitFor({ timeout: 10_000 });
  t.same(errors.filter((error) => /Content Security Policy/i.test(error)), [], 'so do the API docs, under their own');

  await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
  await page.waitForFunction('document.title === "sent"', undefined, { timeout: 10_000 });
  const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
  t.equal(me.status, 200, 'the forged logout was refused: the session lives on');
});
