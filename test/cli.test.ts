import t from 'tap';
import path from 'node:path';
import { dropDatabase } from '../src/db/database.js';
import { runCli, startCli } from './helpers/cli.js';
import { testDatabaseUrl } from './helpers/database.js';
import { TEST_REDIS_URL } from './helpers/env.js';

t.test('a bad setting stops every command with one line naming it', async (t) => {
  for (const command of ['serve', 'migrate']) {
    const result = await runCli([command], { HTTP_PORT: 'eighty' });
    t.equal(result.code, 1, command);
    t.equal(result.stderr.trim(), 'ringside: Configuration error: HTTP_PORT must be a TCP port number (0-65535)');
  }
});

t.test('serve needs the ARI password', async (t) => {
  const result = await runCli(['serve'], {});
  t.equal(result.code, 1);
  t.equal(result.stderr.trim(), 'ringside: Configuration error: ARI_PASSWORD must be set: the password of the ARI user in ari.conf');
});

t.test('serve refuses to start on invalid IVR flows, saying why', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'name: bad\ndefault: true\nstart: nowhere\nsteps:\n  hello: { type: hangup }\n' });
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  const result = await runCli(['serve'], { ARI_PASSWORD: 'x', IVR_FLOWS_DIR: dir, DATABASE_URL: url });
  t.equal(result.code, 1);
  t.match(result.stderr, /^ringside: invalid IVR flows:\n.*bad\.yaml: start: .*nowhere/m);
});

t.test('wrong arguments are explained', async (t) => {
  const seed = await runCli(['seed', '--customers', 'lots'], {});
  t.equal(seed.code, 1);
  t.match(seed.stderr, /--customers <n>' argument 'lots' is invalid\. expected a whole number/);
  const unknown = await runCli(['dance'], {});
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown command 'dance'/);
  const noFile = await runCli(['import'], {});
  t.equal(noFile.code, 1);
  t.match(noFile.stderr, /missing required argument 'file'/);
});

t.test('migrate twice; seed; import with bad rows', async (t) => {
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  const env = { DATABASE_URL: url, DEFAULT_REGION: 'CN' };
  const first = await runCli(['migrate'], env);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /created the database\napplied 1\.crm, 2\.users-interactions-callbacks, 3\.interaction-ivr, 4\.wait-estimates, 5\.interactions-by-caller, 6\.interactions-handled-by, 7\.reports, 8\.audit-log, 9\.report-rollup, 10\.callbacks, 11\.campaigns, 12\.call-accounting; schema at version 12/);
  const second = await runCli(['migrate'], env);
  t.equal(second.code, 0);
  t.equal(second.stdout.trim(), 'schema already at version 12; nothing to do');

  const seeded = await runCli(['seed', '--customers', '200'], env);
  t.equal(seeded.code, 0, seeded.stderr);
  t.match(seeded.stdout, /^seeded 200 customers in [\d.]+ s \(customers 200, customer_phones \d+/);
  const refused = await runCli(['seed', '--customers', '200'], env);
  t.equal(refused.code, 1);
  t.equal(refused.stderr.trim(), 'ringside: the database already holds 200 customers; pass --reset to replace them with seeded data');

  const dir = t.testdir({ 'people.csv': 'external_id,name,phones\nP-1,Zhou Xun,13800138000\nP-2,Bad,999\n' });
  const file = path.join(dir, 'people.csv');
  const imported = await runCli(['import', file], env);
  t.equal(imported.code, 2, 'exit 2 when rows were skipped');
  t.equal(imported.stderr.trim(), `${file}:3: skipped: phones: "999" is not a valid phone number`);
  t.equal(imported.stdout.trim(), '2 rows: 1 inserted, 0 updated, 0 unchanged, 1 skipped');
  const missing = await runCli(['import', path.join(dir, 'nope.csv')], env);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^ringside: cannot read .*nope\.csv: ENOENT/);
});

t.test('serve starts, answers, and shuts down cleanly on SIGTERM', async (t) => {
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  const child = startCli(['serve'], {
    DATABASE_URL: url.replace('postgres@', 'postgres:never-log-this-pw@'),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: 'ringside-test-cli:',
    HTTP_PORT: '0',
    API_KEYS: 'cli-test-key-0123456789',
    ARI_URL: 'http://127.0.0.1:1',
    ARI_PASSWORD: 'ari-secret-never-logged',
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const ready = await fetch(`${address}/ready`);
  t.equal(ready.status, 503, 'not ready while Asterisk is unreachable');
  t.same(await ready.json(), {
    status: 'unavailable',
    checks: { postgres: { ok: true }, redis: { ok: true }, ari: { ok: false, error: 'not connected to Asterisk ARI' } },
  });
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0, 'clean exit');
  t.ok(Date.now() - started < 10_000, 'within 10 s');
  t.match(output, /"msg":"shutting down"/);
  t.match(output, /"msg":"stopped"/);
  t.notOk(output.includes('never-log-this-pw'), 'the database password is not in the log');
  t.notOk(output.includes('cli-test-key-0123456789'), 'the API key is not in the log');
  t.notOk(output.includes('ari-secret-never-logged'), 'the ARI password is not in the log');
  t.match(output, /ARI not reachable; retrying/);
});
