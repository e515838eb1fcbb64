import t from 'tap';
import { dropDatabase } from '../src/db/database.js';
import { startCli } from './helpers/cli.js';
import { testDatabaseUrl } from './helpers/database.js';
import { TEST_REDIS_URL } from './helpers/env.js';

interface LogLine {
  msg?: string;
  callId?: string;
  url?: string;
}

t.test('the demo seeds an empty CRM, takes synthetic calls end to end, and stops cleanly', async (t) => {
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  const child = startCli(['demo', '--calls-per-minute', '120', '--customers', '300'], {
    DATABASE_URL: url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `ringside-test-demo-${process.pid}:`,
    HTTP_PORT: '0',
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = (): LogLine[] => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
  const followedCall = (): string | undefined => {
    const all = lines();
    const arrived = all.filter((line) => line.msg === 'call arrived').map((line) => line.callId);
    return arrived.find((id) => all.some((line) => line.callId === id && line.msg === 'call ended'));
  };
  const deadline = Date.now() + 60_000;
  while (!followedCall() && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
  const callId = followedCall();
  t.ok(callId, `a call followed from arrival to hang-up (stderr: ${stderr.slice(0, 300)})`);
  const story = lines().filter((line) => line.callId === callId).map((line) => line.msg);
  const expected = ['demo caller dialled in', 'call arrived', 'ivr started', 'ivr step', 'call ended'];
  const firstSeen = expected.map((msg) => story.indexOf(msg));
  t.ok(firstSeen.every((index, n) => index >= 0 && (n === 0 || index > firstSeen[n - 1]!)), `its story in the log, by call id: ${story.join(' → ')}`);
  t.match(stderr, /Ringside demo is running/);
  t.match(stderr, /Demo logins \(password for all: ringside-demo\)/);
  t.match(stderr, /li\.na\s+agent\s+Li Na 李娜\s+phone PJSIP\/1001/);
  t.ok(lines().some((line) => line.msg === 'empty CRM: seeding demo data'), 'seeded the empty CRM');
  const ready = lines().find((line) => line.url?.startsWith('http://'));
  t.ok(ready, 'listening');
  const response = await fetch(`${ready!.url!}/ready`);
  t.equal(response.status, 200, 'ready: PostgreSQL, Redis and ARI (the simulator)');

  // The printed logins work: a demo agent sees only herself among the agents, the supervisor sees them all.
  const logIn = async (username: string) => {
    const login = await fetch(`${ready!.url!}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'ringside-demo' }) });
    t.equal(login.status, 200, `${username} logs in`);
    return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  };
  const agents = async (cookie: string) => (await (await fetch(`${ready!.url!}/api/agents`, { headers: { cookie } })).json()) as Array<{ displayName: string }>;
  t.same((await agents(await logIn('li.na'))).map((agent) => agent.displayName), ['Li Na 李娜']);
  t.equal((await agents(await logIn('supervisor'))).length, 8, 'the supervisor sees the eight demo agents');
  t.equal((await fetch(`${ready!.url!}/api/users`, { headers: { cookie: await logIn('admin') } })).status, 200, 'the admin manages users');

  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.match(stdout, /"msg":"stopped"/);
  t.notOk(stdout.includes('"level":50'), 'no errors logged');
});
