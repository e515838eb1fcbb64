/**
 * The stack of the `pop` benchmark: a database of its own with a seeded CRM (`ringside seed`'s generator) and the
 * bench's users, the PBX simulator in a child process (bench/acd-pbx.ts, as the `acd` bench runs it: Asterisk is
 * another process in production, and simulating 500 phones must not be charged to the node's thread or memory), and
 * one whole Ringside node (startServer) in this process on a Redis key prefix, IVR flow and routing rules of its own.
 * Everything it creates is removed by `close`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { deleteKeysMatching } from '../src/redis/client.js';
import { seedCrm, type SeedResult } from '../src/seed/seed.js';
import { startServer, type RunningServer } from '../src/server.js';
import { hashPassword } from '../src/users/repository.js';
import { startPbx } from './acd-route-stack.js';
import { problemLogger, sessionOpener } from './server-side.js';

const ARI_PASSWORD = 'ringside-bench-ari';
export const BENCH_PASSWORD = 'bench-only-password';
const DATABASE_URL = process.env.BENCH_POP_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench_pop';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POP_QUEUE = 'pop';

export interface BenchUser {
  userId: string;
  username: string;
  role: 'agent' | 'supervisor';
  /** Agents in the ACD only: their phone. */
  endpoint?: string;
}

export interface PopStackOptions {
  customers: number;
  /** Agents with a phone and the queue's skill: they log into the ACD and are offered calls. */
  agents: number;
  /** Agents without a phone (never offered a call) and supervisors: connected only for the memory figure. */
  idleAgents: number;
  supervisors: number;
  /** Agents' phones answer this long after they start ringing. */
  ringMs: number;
}

export interface PopStack {
  server: RunningServer;
  seeded: SeedResult;
  /** The node's PostgreSQL pool size (DATABASE_POOL_SIZE: Ringside's default unless BENCH_POP_DB_POOL says otherwise). */
  poolSize: number;
  agents: BenchUser[];
  idleAgents: BenchUser[];
  supervisors: BenchUser[];
  /** Sends calls to the simulator; resolves once placed (they then reach Ringside over ARI). */
  place(calls: Array<{ from: string; to: string }>): Promise<{ ok: number; failed: number }>;
  /** These agents hang up their call (as the phone's hang-up button would). */
  hangUp(endpoints: string[]): Promise<void>;
  pbxStats(): Promise<{ channels: number; bridges: number; rssMb: number }>;
  /**
   * Session cookies (`name=value`) for these users, opened the way a login opens them once the password is
   * checked (SessionAuth.open on the node's Redis): the memory phase's 1,500 clients would otherwise cost 1,500
   * argon2 verifications (about 70 ms each here) before the bench could start.
   */
  openSessions(users: BenchUser[]): Promise<string[]>;
  problems: () => number;
  problemKinds: () => Map<string, number>;
  close(): Promise<void>;
}

/** One queue that makes callers wait for ever, silently, wrap-up 0; every call goes to it. JSON is YAML. */
const RULES = {
  queues: [
    {
      name: POP_QUEUE,
      maxWaitSeconds: 86400,
      maxLength: 100000,
      wrapUpSeconds: 0,
      ringTimeoutSeconds: 30,
      strategy: 'longest_idle',
      announcements: { onEntry: false, everySeconds: 0, position: false, estimatedWait: false },
      whenNoAgents: { action: 'wait' },
      whenFull: { action: 'wait' },
      whenMaxWait: { action: 'wait' },
    },
  ],
  rules: [{ name: 'everyone', queue: POP_QUEUE, skills: { [POP_QUEUE]: 1 } }],
};
const FLOW = { name: 'pop-bench', description: 'Every call goes straight to the queue.', default: true, start: 'wait', steps: { wait: { type: 'queue', queue: POP_QUEUE } } };

/** The bench's users (one password hash for all: argon2 per user would take minutes). */
async function seedUsers(options: PopStackOptions): Promise<{ agents: BenchUser[]; idleAgents: BenchUser[]; supervisors: BenchUser[] }> {
  const db = createPool(DATABASE_URL, 2);
  try {
    const hash = await hashPassword(BENCH_PASSWORD);
    const wanted = [
      ...Array.from({ length: options.agents }, (_, i) => ({ username: `pop-agent-${i}`, role: 'agent' as const, endpoint: `PJSIP/${20000 + i}` })),
      ...Array.from({ length: options.idleAgents }, (_, i) => ({ username: `pop-idle-${i}`, role: 'agent' as const, endpoint: undefined })),
      ...Array.from({ length: options.supervisors }, (_, i) => ({ username: `pop-sup-${i}`, role: 'supervisor' as const, endpoint: undefined })),
    ];
    const { rows } = await db.query<{ id: string; username: string }>(
      `INSERT INTO users (username, display_name, role, password_hash, default_endpoint)
       SELECT u, 'Bench ' || u, r, $2, e FROM unnest($1::text[], $3::text[], $4::text[]) AS t(u, r, e) RETURNING id, username`,
      [wanted.map((user) => user.username), hash, wanted.map((user) => user.role), wanted.map((user) => user.endpoint ?? null)],
    );
    const ids = new Map(rows.map((row) => [row.username, String(row.id)]));
    const users: BenchUser[] = wanted.map((user) => ({ userId: ids.get(user.username)!, username: user.username, role: user.role, ...(user.endpoint ? { endpoint: user.endpoint } : {}) }));
    const agents = users.slice(0, options.agents);
    await db.query(`INSERT INTO user_skills (user_id, skill, level) SELECT id, $2, 5 FROM unnest($1::bigint[]) AS t(id)`, [agents.map((agent) => agent.userId), POP_QUEUE]);
    return { agents, idleAgents: users.slice(options.agents, options.agents + options.idleAgents), supervisors: users.slice(options.agents + options.idleAgents) };
  } finally {
    await db.end();
  }
}

export async function startPopStack(options: PopStackOptions): Promise<PopStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringside-pop-'));
  const prefix = `ringside-bench:pop:${Date.now().toString(36)}:`;
  const cleanups: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error: unknown) => console.error('pop bench cleanup:', error));
  };
  try {
    mkdirSync(path.join(dir, 'flows'));
    mkdirSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'flows', 'bench.yaml'), JSON.stringify(FLOW));
    writeFileSync(path.join(dir, 'rules', 'pop.yaml'), JSON.stringify(RULES));

    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
    cleanups.push(() => dropDatabase(DATABASE_URL));
    await migrate(DATABASE_URL);
    const seedPool = createPool(DATABASE_URL, 6);
    const seeded = await seedCrm(seedPool, { customers: options.customers }).finally(() => seedPool.end());
    const users = await seedUsers(options);

    const pbx = startPbx();
    cleanups.push(() => pbx.stop());
    const endpoints = Object.fromEntries(users.agents.map((agent) => [agent.endpoint!, { behaviour: 'answer' as const, answerAfterMs: options.ringMs }]));
    const ready = await pbx.request({ type: 'start', options: { port: 0, users: { ringside: ARI_PASSWORD }, dialplanApps: ['ringside'], endpoints, timeScale: 1 } });
    if (ready.type !== 'ready') throw new Error('the simulator did not start');

    const config = loadConfig({
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ARI_URL: ready.url,
      ARI_PASSWORD,
      NODE_ID: 'pop-bench',
      IVR_FLOWS_DIR: path.join(dir, 'flows'),
      ROUTING_RULES_DIR: path.join(dir, 'rules'),
      ...(process.env.BENCH_POP_DB_POOL ? { DATABASE_POOL_SIZE: process.env.BENCH_POP_DB_POOL } : {}),
    });
    cleanups.push(() => deleteKeysMatching(REDIS_URL, `${prefix}*`));
    const { logger, problems, problemKinds } = problemLogger([ARI_PASSWORD, BENCH_PASSWORD]);
    const server = await startServer(config, logger);
    cleanups.push(() => server.close());

    const openSessions = await sessionOpener({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, prefix, ttlSeconds: config.auth.sessionTtlSeconds }, cleanups);
    return {
      server,
      seeded,
      poolSize: config.database.poolSize,
      ...users,
      place: async (calls) => {
        const reply = await pbx.request({ type: 'place', calls });
        return reply.type === 'placed' ? reply : { ok: 0, failed: calls.length };
      },
      hangUp: async (endpoints) => {
        // A talk timer may fire while the bench tears the stack down: the simulator is gone, nobody to hang up.
        if (!pbx.child.connected) return;
        await pbx.request({ type: 'hangup', endpoints });
      },
      pbxStats: async () => {
        const reply = await pbx.request({ type: 'stats' });
        return reply.type === 'stats' ? reply : { channels: 0, bridges: 0, rssMb: 0 };
      },
      openSessions,
      problems,
      problemKinds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
