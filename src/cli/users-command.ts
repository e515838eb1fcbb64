import type { Command } from 'commander';
import { Value } from 'typebox/value';
import { SessionAuth, type SessionEndReason } from '../auth/session-auth.js';
import { loadConfig, type Config } from '../config/env.js';
import { ensureDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createPool, inTransaction, type Pool } from '../db/pool.js';
import { createRedis } from '../redis/client.js';
import { createUser, getUserByUsername, listUsers, updateUser } from '../users/repository.js';
import { Password, UserCreate, type User } from '../users/schemas.js';
import { CliInputError } from './telephony-commands.js';

/** main.ts's wrapper: expected failures print one line and exit 1. */
export type Runner = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

const PASSWORD_ENV = 'RINGSIDE_PASSWORD';

/** What each field must be, named as the user typed it (the flag), never echoing a password. */
const EXPECTATIONS: Record<string, string> = {
  username: '--username must be 2-64 lower-case letters, digits, ".", "_" or "-"',
  displayName: '--name must not be empty (at most 200 characters)',
  role: '--role must be agent, supervisor or admin',
  defaultEndpoint: '--endpoint must be a phone endpoint such as PJSIP/1001',
  skills: '--skill must be name:level with a name of lower-case letters, digits, _ : - and a level 1-10, e.g. billing:7',
  password: 'the password must be 8-256 characters',
};

function parseSkills(values: readonly string[]): Record<string, number> {
  const skills = new Map<string, number>();
  for (const value of values) {
    // Skill names may hold colons themselves (lang:zh), so the level is after the last one.
    const at = value.lastIndexOf(':');
    const name = value.slice(0, at);
    const level = value.slice(at + 1);
    if (at <= 0 || !/^\d{1,2}$/.test(level)) throw new CliInputError(`${EXPECTATIONS.skills!} (got "${value}")`);
    if (skills.has(name)) throw new CliInputError(`--skill ${name} is given twice`);
    skills.set(name, Number(level));
  }
  return Object.fromEntries(skills);
}

function firstProblem(schema: typeof UserCreate | typeof Password, candidate: unknown, field?: string): string | undefined {
  const error = Value.Errors(schema, candidate)[0];
  if (!error) return undefined;
  const path = field ?? (error.instancePath.split('/')[1] || String((error.params as { additionalProperties?: string[] }).additionalProperties?.[0] ?? ''));
  return EXPECTATIONS[path] ?? `invalid ${path}`;
}

function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (character === '\u0003' || character === '\u0004') {
          finish();
          reject(new CliInputError('cancelled; nothing changed'));
          return;
        }
        value = character === '\u007f' || character === '\b' ? value.slice(0, -1) : value + character;
      }
    };
    process.stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The password from standard input (typed unseen on a terminal, or piped) or from RINGSIDE_PASSWORD; never from argv, which `ps` shows. */
async function readPassword(fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin && process.stdin.isTTY) {
    password = await promptHidden('password: ');
    if ((await promptHidden('again: ')) !== password) throw new CliInputError('the two passwords differ; nothing changed');
  } else if (fromStdin) {
    const text = await readAllStdin();
    password = text.replace(/\r?\n$/, '');
    if (/[\r\n]/.test(password)) throw new CliInputError('the password on standard input must be one line');
  } else {
    const fromEnv = process.env[PASSWORD_ENV];
    if (fromEnv === undefined || fromEnv === '') throw new CliInputError(`give the password on standard input with --password-stdin, or in ${PASSWORD_ENV}`);
    password = fromEnv;
  }
  const problem = firstProblem(Password, password, 'password');
  if (problem) throw new CliInputError(problem);
  return password;
}

async function withDatabase<T>(config: Config, work: (pool: Pool) => Promise<T>): Promise<T> {
  await ensureDatabase(config.database.url);
  await migrate(config.database.url);
  const pool = createPool(config.database.url, 2);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

async function existingUser(pool: Pool, username: string): Promise<User> {
  const user = await getUserByUsername(pool, username.trim().toLowerCase());
  if (!user) throw new CliInputError(`no user named ${username}`);
  return user;
}

/** Sessions live in Redis: a change that must end them is only complete once they are gone. */
async function endSessions(config: Config, pool: Pool, user: User, reason: SessionEndReason): Promise<string> {
  const redis = createRedis(config.redis.url, config.redis.keyPrefix);
  try {
    await redis.connect();
    const ended = await new SessionAuth(pool, redis, config.auth.sessionTtlSeconds).endAllOf(user.id, reason);
    return `${ended} session${ended === 1 ? '' : 's'} ended`;
  } catch (error) {
    process.exitCode = 1;
    return `but their sessions could not be ended (Redis: ${error instanceof Error ? error.message : String(error)}); run the command again when Redis is back`;
  } finally {
    redis.disconnect();
  }
}

export interface AddOptions {
  username: string;
  name: string;
  role: string;
  endpoint?: string;
  skill?: string[];
  passwordStdin?: boolean;
}

/** The user `users add` would create, minus the password; throws CliInputError naming the first bad flag. */
export function userFromAddOptions(options: AddOptions): Omit<UserCreate, 'password'> {
  const candidate = {
    username: options.username,
    displayName: options.name,
    role: options.role,
    ...(options.endpoint !== undefined ? { defaultEndpoint: options.endpoint } : {}),
    ...(options.skill !== undefined ? { skills: parseSkills(options.skill) } : {}),
  };
  const problem = firstProblem(UserCreate, { ...candidate, password: 'a placeholder: checked on its own' });
  if (problem) throw new CliInputError(problem);
  return candidate as Omit<UserCreate, 'password'>;
}

async function addUser(options: AddOptions): Promise<void> {
  const config = loadConfig();
  // Everything is checked before the password is read and before anything is written.
  const user = { ...userFromAddOptions(options), password: await readPassword(options.passwordStdin === true) };
  const created = await withDatabase(config, (pool) => inTransaction(pool, (client) => createUser(client, user)));
  console.log(`created user ${created.username} (${created.role}, id ${created.id})`);
}

async function listCommand(): Promise<void> {
  const users = await withDatabase(loadConfig(), listUsers);
  if (users.length === 0) {
    console.log('no users yet: add one with ringside users add');
    return;
  }
  const rows = users.map((user) => [
    String(user.id),
    user.username,
    user.role,
    user.active ? 'yes' : 'no',
    user.defaultEndpoint ?? '-',
    user.displayName,
    Object.entries(user.skills).map(([skill, level]) => `${skill}:${level}`).join(' ') || '-',
  ]);
  const header = ['id', 'username', 'role', 'active', 'endpoint', 'name', 'skills'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
}

async function setPasswordCommand(username: string, options: { passwordStdin?: boolean }): Promise<void> {
  const config = loadConfig();
  const password = await readPassword(options.passwordStdin === true);
  await withDatabase(config, async (pool) => {
    const user = await existingUser(pool, username);
    await updateUser(pool, user.id, { password });
    console.log(`password of ${user.username} changed; ${await endSessions(config, pool, user, 'password_changed')}`);
  });
}

async function setActiveCommand(username: string, active: boolean): Promise<void> {
  const config = loadConfig();
  await withDatabase(config, async (pool) => {
    const user = await existingUser(pool, username);
    await updateUser(pool, user.id, { active });
    console.log(active ? `${user.username} activated` : `${user.username} deactivated; ${await endSessions(config, pool, user, 'deactivated')}`);
  });
}

/** `ringside users add | list | set-password | deactivate | activate`. */
export function registerUsersCommands(program: Command, run: Runner): void {
  // Bad input answers one line, without the help text the other commands print after an error.
  const users = program.command('users').description('people who log in: agents, supervisors, admins').showHelpAfterError(false);
  users
    .command('add')
    .description(`create a user; the password comes from standard input (--password-stdin) or ${PASSWORD_ENV}, never from the command line`)
    .requiredOption('--username <username>', 'login name: lower-case letters, digits, . _ -')
    .requiredOption('--name <display name>', 'the name others see')
    .requiredOption('--role <role>', 'agent, supervisor or admin')
    .option('--endpoint <endpoint>', 'the phone Ringside rings for this agent, e.g. PJSIP/1001')
    .option('--skill <name:level...>', 'a skill with its level 1-10, e.g. support:7 lang:zh:10 (an agent serves the queues named like their skills)')
    .option('--password-stdin', 'read the password from standard input (typed unseen on a terminal)')
    .action(run(addUser));
  users.command('list').description('every user with role, state, phone and skills').action(run(listCommand));
  users
    .command('set-password')
    .description(`change a password (from standard input or ${PASSWORD_ENV}) and end the user's sessions`)
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input (typed unseen on a terminal)')
    .action(run(setPasswordCommand));
  users
    .command('deactivate')
    .description('the user can no longer log in; their sessions end at once')
    .argument('<username>')
    .action(run((username: string) => setActiveCommand(username, false)));
  users.command('activate').description('let a deactivated user log in again').argument('<username>').action(run((username: string) => setActiveCommand(username, true)));
}
