import t from 'tap';
import { dropDatabase } from '../../src/db/database.js';
import { createPool } from '../../src/db/pool.js';
import { userFromAddOptions, type AddOptions } from '../../src/cli/users-command.js';
import { runCli } from '../helpers/cli.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const PASSWORD = 'first-password-42';

interface BadCase {
  args: string[];
  stdin?: string;
  env?: Record<string, string>;
  error: RegExp;
}

const add = ['users', 'add', '--username', 'bob', '--name', 'Bob', '--role', 'agent'];
const withPassword = { RINGSIDE_PASSWORD: PASSWORD };
// Each run starts a Node process (seconds each on a busy machine): these cover every path an error takes to
// the terminal; the checks of each flag are below, in process.
const BAD: BadCase[] = [
  { args: add, error: /^ringside: give the password on standard input with --password-stdin, or in RINGSIDE_PASSWORD$/ },
  { args: [...add, '--password-stdin'], stdin: 'short\n', error: /^ringside: the password must be 8-256 characters$/ },
  { args: [...add, '--password-stdin'], stdin: 'two-line\npassword\n', error: /^ringside: the password on standard input must be one line$/ },
  { args: ['users', 'add', '--username', 'Bob', '--name', 'Bob', '--role', 'agent'], env: withPassword, error: /^ringside: --username must be 2-64 lower-case letters/ },
  { args: [...add, '--skill', 'support:11'], env: withPassword, error: /^ringside: --skill must be name:level/ },
  { args: ['users', 'add', '--username', 'bob', '--name', 'Bob'], env: withPassword, error: /^ringside: required option '--role <role>' not specified$/ },
  { args: ['users', 'add', '--username', 'ann', '--name', 'Ann again', '--role', 'admin'], env: withPassword, error: /^ringside: a user named ann already exists$/ },
  { args: ['users', 'set-password', 'nobody'], env: withPassword, error: /^ringside: no user named nobody$/ },
];

// Every case starts the real command (a Node process with tsx: seconds each when the machine is busy).
t.setTimeout(300_000);

t.test('every flag of users add is checked before anything is read or written', async (t) => {
  const good: AddOptions = { username: 'bob', name: 'Bob', role: 'agent', endpoint: 'PJSIP/1001', skill: ['support:7', 'lang:zh:10'] };
  t.same(userFromAddOptions(good), { username: 'bob', displayName: 'Bob', role: 'agent', defaultEndpoint: 'PJSIP/1001', skills: { support: 7, 'lang:zh': 10 } });
  const cases: Array<[Partial<AddOptions>, RegExp]> = [
    [{ username: 'Bob' }, /^--username must be 2-64 lower-case letters/],
    [{ username: 'b' }, /^--username must be/],
    [{ username: 'bob smith' }, /^--username must be/],
    [{ name: '  ' }, /^--name must not be empty/],
    [{ name: 'x'.repeat(201) }, /^--name must not be empty \(at most 200 characters\)$/],
    [{ role: 'boss' }, /^--role must be agent, supervisor or admin$/],
    [{ endpoint: '1001' }, /^--endpoint must be a phone endpoint such as PJSIP\/1001$/],
    [{ endpoint: 'PJSIP/10 01' }, /^--endpoint must be/],
    [{ skill: ['support'] }, /^--skill must be name:level .*\(got "support"\)$/],
    [{ skill: [':5'] }, /^--skill must be name:level/],
    [{ skill: ['support:0'] }, /^--skill must be name:level/],
    [{ skill: ['support:11'] }, /^--skill must be name:level/],
    [{ skill: ['support:x'] }, /^--skill must be name:level/],
    [{ skill: ['Support:3'] }, /^--skill must be name:level/],
    [{ skill: ['support:3', 'support:4'] }, /^--skill support is given twice$/],
  ];
  for (const [change, message] of cases) {
    t.throws(() => userFromAddOptions({ ...good, ...change }), { name: 'Error', message }, JSON.stringify(change));
  }
});

t.test('ringside users: each bad input is one line on stderr, exit 1, and changes nothing', async (t) => {
  const url = testDatabaseUrl();
  const env = { DATABASE_URL: url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `ringside-test-users-cli-${process.pid}:` };
  t.teardown(() => dropDatabase(url));
  const added = await runCli(['users', 'add', '--username', 'ann', '--name', 'Ann', '--role', 'agent', '--password-stdin'], env, `${PASSWORD}\n`);
  t.equal(added.code, 0, added.stderr);

  const db = createPool(url, 2);
  t.teardown(() => db.end());
  const snapshot = async (): Promise<unknown[]> => [
    ...(await db.query<Record<string, unknown>>('SELECT * FROM users ORDER BY id')).rows,
    ...(await db.query<Record<string, unknown>>('SELECT * FROM user_skills ORDER BY user_id, skill')).rows,
  ];
  const before = await snapshot();

  // Two at a time: each run starts a Node process, which is most of the time here.
  const results = new Map<BadCase, Awaited<ReturnType<typeof runCli>>>();
  for (let i = 0; i < BAD.length; i += 2) {
    await Promise.all(BAD.slice(i, i + 2).map(async (c) => results.set(c, await runCli(c.args, { ...env, ...c.env }, c.stdin))));
  }
  for (const c of BAD) {
    const result = results.get(c)!;
    const what = `${c.args.slice(1).join(' ')}${c.stdin !== undefined ? ' < stdin' : ''}`;
    t.equal(result.code, 1, what);
    t.equal(result.stderr.trim().split('\n').length, 1, `${what}: one line (${result.stderr.trim()})`);
    t.match(result.stderr.trim(), c.error, what);
    t.notOk(result.stderr.includes(PASSWORD) || result.stdout.includes(PASSWORD), `${what}: no password echoed`);
  }
  t.same(await snapshot(), before, 'no rejected command changed anything (ann\'s hash included)');
});
