import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { registerWebPages } from '../../src/http/web-pages.js';
import { registerSecurityHeaders } from '../../src/http/security-headers.js';

async function pagesApp(root: string) {
  const app = Fastify();
  await registerSecurityHeaders(app);
  await registerWebPages(app, { root });
  await app.ready();
  return app;
}

t.test('without a build, /agent says how to make one', async (t) => {
  const app = await pagesApp(t.testdir({}));
  t.teardown(() => app.close());
  for (const url of ['/agent', '/agent/', '/agent/assets/index.js']) {
    const response = await app.inject(url);
    t.equal(response.statusCode, 503, url);
    t.match(response.json(), { error: 'not_built', message: /npm run build/ }, url);
  }
});

t.test('the built console: index.html at /agent and /agent/, hashed assets cached for good, nothing outside the folder', async (t) => {
  const root = t.testdir({
    agent: { 'index.html': '<!doctype html><title>console</title>', assets: { 'index-abc123.js': 'console.log(1)' } },
    wallboard: { 'index.html': '<!doctype html><title>wallboard</title>' },
    assets: { 'shared-def456.js': 'console.log(2)' },
    'secret.txt': 'not for the web',
  });
  const app = await pagesApp(root);
  t.teardown(() => app.close());

  for (const url of ['/agent', '/agent/', '/agent/index.html']) {
    const response = await app.inject(url);
    t.equal(response.statusCode, 200, url);
    t.match(response.headers['content-type'], /text\/html/);
    t.match(response.body, /<title>console<\/title>/);
    t.match(response.headers['content-security-policy'], /default-src 'self'/, 'the page may load only from its own origin');
    t.equal(response.headers['cache-control'], 'no-cache', 'a new build is picked up at once');
  }
  const asset = await app.inject('/agent/assets/index-abc123.js');
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['content-type'], /javascript/);
  t.match(asset.headers['cache-control'], /immutable/);

  t.match((await app.inject('/wallboard')).body, /<title>wallboard<\/title>/, 'the wallboard is the second page');
  const shared = await app.inject('/assets/shared-def456.js');
  t.equal(shared.statusCode, 200, 'files both pages share');
  t.match(shared.headers['cache-control'], /immutable/);
  t.not((await app.inject('/assets/..%2fsecret.txt')).statusCode, 200, 'nothing outside the shared folder either');

  t.equal((await app.inject('/agent/missing.js')).statusCode, 404);
  const escape = await app.inject('/agent/..%2fsecret.txt');
  t.not(escape.statusCode, 200, 'a path out of the folder is refused');
  t.notMatch(escape.body, /not for the web/);
  t.equal((await app.inject({ method: 'HEAD', url: '/agent' })).statusCode, 200, 'HEAD works as GET');

  fs.rmSync(path.join(root, 'agent'), { recursive: true });
  t.equal((await app.inject('/agent')).statusCode, 503, 'a removed build is noticed without a restart');
});
