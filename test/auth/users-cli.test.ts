import t from 'tap';
import { verifyPassword } from '../../src/auth/passwords.js';
import { SessionAuth } from '../../src/auth/session-auth.js';
import { dropDatabase } from '../../src/db/database.js';
import { createPool } from '../../src/db/pool.js';
import { runCli } from '../helpers/cli.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis } from '../helpers/redis.js';

const PASSWORD = 'first-password-42';

// Every case starts the real command (a Node process with tsx: seconds each when the machine is busy).
t.setTimeout(300_000);

t.test('ringside users: add, list, set-password, deactivate, activate', async (t) => {
  const url = testDatabaseUrl();
  const { redis, prefix } = await createTestRedis(t);
  const env = { DATABASE_URL: url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
  // The pool closes before the database is dropped (teardowns run last-registered first).
  t.teardown(() => dropDatabase(url));

  const added = await runCli(
    ['users', 'add', '--username', 'ann', '--name', 'Ann Lee 李安', '--role', 'agent', '--endpoint', 'PJSIP/1001', '--skill', 'support:7', 'lang:zh:10', '--password-stdin'],
    env,
    `${PASSWORD}\n`,
  );
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout, /^created user ann \(agent, id \d+\)\n$/);
  const fromEnv = await runCli(['users', 'add', '--username', 'sam', '--name', 'Sam', '--role', 'supervisor'], { ...env, RINGSIDE_PASSWORD: 'env-password-42' });
  t.equal(fromEnv.code, 0, fromEnv.stderr);

  const db = createPool(url, 2);
  t.teardown(() => db.end());
  const users = async () => (await db.query<{ username: string; role: string; password_hash: string; active: boolean; default_endpoint: string | null }>('SELECT * FROM users ORDER BY id')).rows;
  const [ann, sam] = await users();
  t.match(ann, { username: 'ann', role: 'agent', default_endpoint: 'PJSIP/1001', active: true });
  t.match(ann!.password_hash, /^\$argon2id\$/, 'argon2id hash');
  t.ok(await verifyPassword(ann!.password_hash, PASSWORD), 'the password from stdin, without its newline');
  t.ok(await verifyPassword(sam!.password_hash, 'env-password-42'), 'the password from RINGSIDE_PASSWORD');
  t.same((await db.query('SELECT skill, level FROM user_skills ORDER BY skill')).rows, [{ skill: 'lang:zh', level: 10 }, { skill: 'support', level: 7 }]);
  t.notOk(added.stdout.includes(PASSWORD) || added.stderr.includes(PASSWORD), 'the password is not echoed');

  const list = await runCli(['users', 'list'], env);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^id\s+username\s+role\s+active\s+endpoint\s+name\s+skills\n/);
  t.match(list.stdout, /\n\d+\s+ann\s+agent\s+yes\s+PJSIP\/1001\s+Ann Lee 李安\s+lang:zh:10 support:7\n/);
  t.match(list.stdout, /\n\d+\s+sam\s+supervisor\s+yes\s+-\s+Sam\s+-\n/);
  t.notMatch(list.stdout, /argon2/, 'no hashes listed');

  // Two live sessions of ann's: a new password ends them.
  const sessions = new SessionAuth(db, redis, 3600);
  const annId = Number(/id (\d+)/.exec(added.stdout)![1]);
  const owner = { id: annId, username: 'ann', displayName: 'Ann Lee 李安', role: 'agent' as const };
  const first = await sessions.open(owner);
  await sessions.open(owner);
  const changed = await runCli(['users', 'set-password', 'ann', '--password-stdin'], env, 'second-password-42\n');
  t.equal(changed.code, 0, changed.stderr);
  t.equal(changed.stdout.trim(), 'password of ann changed; 2 sessions ended');
  t.equal(await sessions.userOf(first.sessionId), null, 'her sessions are over');
  const [annAfter] = await users();
  t.ok(await verifyPassword(annAfter!.password_hash, 'second-password-42'), 'the new password');
  t.notOk(await verifyPassword(annAfter!.password_hash, PASSWORD), 'not the old one');

  const third = await sessions.open(owner);
  const deactivated = await runCli(['users', 'deactivate', 'ann'], env);
  t.equal(deactivated.code, 0, deactivated.stderr);
  t.equal(deactivated.stdout.trim(), 'ann deactivated; 1 session ended');
  t.equal(await sessions.userOf(third.sessionId), null);
  t.equal((await users())[0]!.active, false);
  const activated = await runCli(['users', 'activate', 'ann'], env);
  t.equal(activated.stdout.trim(), 'ann activated');
  t.equal((await users())[0]!.active, true);
});
