/**
 * The stack of the `wallboard` benchmark: a database of its own with the bench's users (agents with a phone and one
 * queue's skill each, and a few supervisors), the PBX simulator in a child process (bench/acd-pbx.ts, as the `acd` and
 * `pop` benches run it), and one whole Ringside node (startServer) in this process on a Redis key prefix, IVR flow and
 * routing rules of its own: three queues, picked by the dialled number. Everything it creates is removed by `close`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { deleteKeysMatching } from '../src/redis/client.js';
import { startServer, type RunningServer } from '../src/server.js';
import { hashPassword } from '../src/users/repository.js';
import { startPbx } from './acd-route-stack.js';
import { problemLogger, sessionOpener } from './server-side.js';
import type { ClientProcess } from './client-process.js';
import type { WallboardClientsReply, WallboardClientsRequest } from './wallboard-clients.js';
import { acdEventChannel } from '../src/acd/acd-publisher.js';

const ARI_PASSWORD = 'ringside-bench-ari';
export const WALLBOARD_PASSWORD = 'bench-only-password';
const DATABASE_URL = process.env.BENCH_WALLBOARD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench_wallboard';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The queues, the number a caller dials for each, and its settings. `wb-billing` gives up on a caller after 10 s
 * (the schema's least) with a hang-up: its `call.exited` events. JSON is YAML.
 */
export const WALLBOARD_QUEUES = [
  { name: 'wb-sales', dialled: '8001', exitAfterSeconds: undefined },
  { name: 'wb-support', dialled: '8002', exitAfterSeconds: undefined },
  { name: 'wb-billing', dialled: '8003', exitAfterSeconds: 10 },
] as const;
export type WallboardQueueName = (typeof WALLBOARD_QUEUES)[number]['name'];

const RULES = {
  queues: WALLBOARD_QUEUES.map((queue) => ({
    name: queue.name,
    serviceLevelSeconds: 5,
    maxWaitSeconds: queue.exitAfterSeconds ?? 86400,
    maxLength: 100000,
    wrapUpSeconds: 1,
    ringTimeoutSeconds: 30,
    strategy: 'longest_idle',
    announcements: { onEntry: false, everySeconds: 0, position: false, estimatedWait: false },
    whenNoAgents: { action: 'wait' },
    whenFull: { action: 'wait' },
    whenMaxWait: queue.exitAfterSeconds === undefined ? { action: 'wait' } : { action: 'hangup' },
  })),
  rules: [
    ...WALLBOARD_QUEUES.map((queue) => ({ name: queue.name, when: { field: 'dialled', equals: queue.dialled }, queue: queue.name, skills: { [queue.name]: 1 } })),
    { name: 'default', queue: WALLBOARD_QUEUES[0].name, skills: { [WALLBOARD_QUEUES[0].name]: 1 } },
  ],
};
const FLOW = { name: 'wallboard-bench', description: 'Every call goes straight to a queue; the routing rules pick which.', default: true, start: 'wait', steps: { wait: { type: 'queue', queue: WALLBOARD_QUEUES[0].name } } };

export interface WallboardUser {
  userId: string;
  username: string;
  role: 'agent' | 'supervisor';
  /** Agents only: their phone and their one queue. */
  endpoint?: string;
  queue?: WallboardQueueName;
}

export interface WallboardStackOptions {
  /** Agents per queue, in the order of WALLBOARD_QUEUES. */
  agentsPerQueue: readonly number[];
  supervisors: number;
  /** Agents' phones answer this long after they start ringing. */
  ringMs: number;
  /** The IVR flow instead of one that queues every call at once (the routing rules still pick the queue). */
  flow?: object;
}

export interface WallboardStack {
  server: RunningServer;
  databaseUrl: string;
  /** The simulator's ARI, as the node reaches it. */
  ari: { url: string; user: string; password: string };
  prefix: string;
  agents: WallboardUser[];
  supervisors: WallboardUser[];
  /** Sends calls to the simulator (each with its caller's script); resolves once placed. */
  place(calls: Array<{ from: string; to: string; script: Array<{ at: number; hangup: true }> }>): Promise<{ ok: number; failed: number }>;
  pbxStats(): Promise<{ channels: number; bridges: number; rssMb: number }>;
  /** Session cookies (`name=value`) opened as a login opens them once the password is checked (SessionAuth.open). */
  openSessions(users: WallboardUser[]): Promise<string[]>;
  problems: () => number;
  problemKinds: () => Map<string, number>;
  close(): Promise<void>;
}

/** The bench's users (one password hash for all). */
async function seedUsers(options: WallboardStackOptions): Promise<{ agents: WallboardUser[]; supervisors: WallboardUser[] }> {
  const db = createPool(DATABASE_URL, 2);
  try {
    const hash = await hashPassword(WALLBOARD_PASSWORD);
    let phone = 30000;
    const wanted: Array<Omit<WallboardUser, 'userId'>> = [
      ...WALLBOARD_QUEUES.flatMap((queue, q) =>
        Array.from({ length: options.agentsPerQueue[q] ?? 0 }, (_, i) => ({ username: `wb-agent-${queue.name}-${i}`, role: 'agent' as const, endpoint: `PJSIP/${phone++}`, queue: queue.name })),
      ),
      ...Array.from({ length: options.supervisors }, (_, i) => ({ username: `wb-sup-${i}`, role: 'supervisor' as const })),
    ];
    const { rows } = await db.query<{ id: string; username: string }>(
      `INSERT INTO users (username, display_name, role, password_hash, default_endpoint)
       SELECT u, 'Bench ' || u, r, $2, e FROM unnest($1::text[], $3::text[], $4::text[]) AS t(u, r, e) RETURNING id, username`,
      [wanted.map((user) => user.username), hash, wanted.map((user) => user.role), wanted.map((user) => user.endpoint ?? null)],
    );
    const ids = new Map(rows.map((row) => [row.username, String(row.id)]));
    const users: WallboardUser[] = wanted.map((user) => ({ ...user, userId: ids.get(user.username)! }));
    const agents = users.filter((user) => user.role === 'agent');
    await db.query('INSERT INTO user_skills (user_id, skill, level) SELECT id, skill, 5 FROM unnest($1::bigint[], $2::text[]) AS t(id, skill)', [agents.map((agent) => agent.userId), agents.map((agent) => agent.queue!)]);
    return { agents, supervisors: users.filter((user) => user.role === 'supervisor') };
  } finally {
    await db.end();
  }
}

export async function startWallboardStack(options: WallboardStackOptions): Promise<WallboardStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringside-wallboard-'));
  const prefix = `ringside-bench:wallboard:${Date.now().toString(36)}:`;
  const cleanups: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error: unknown) => console.error('wallboard bench cleanup:', error));
  };
  try {
    mkdirSync(path.join(dir, 'flows'));
    mkdirSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'flows', 'bench.yaml'), JSON.stringify(options.flow ?? FLOW));
    writeFileSync(path.join(dir, 'rules', 'wallboard.yaml'), JSON.stringify(RULES));

    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
    cleanups.push(() => dropDatabase(DATABASE_URL));
    await migrate(DATABASE_URL);
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
      NODE_ID: 'wallboard-bench',
      IVR_FLOWS_DIR: path.join(dir, 'flows'),
      ROUTING_RULES_DIR: path.join(dir, 'rules'),
    });
    cleanups.push(() => deleteKeysMatching(REDIS_URL, `${prefix}*`));
    const { logger, problems, problemKinds } = problemLogger([ARI_PASSWORD, WALLBOARD_PASSWORD]);
    const server = await startServer(config, logger);
    cleanups.push(() => server.close());

    const openSessions = await sessionOpener({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, prefix, ttlSeconds: config.auth.sessionTtlSeconds }, cleanups);
    return {
      server,
      databaseUrl: DATABASE_URL,
      ari: { url: ready.url, user: 'ringside', password: ARI_PASSWORD },
      prefix,
      ...users,
      place: async (calls) => {
        // acd-pbx.ts passes each call to the simulator's placeCall as it is, script included.
        const reply = await pbx.request({ type: 'place', calls });
        return reply.type === 'placed' ? reply : { ok: 0, failed: calls.length };
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

/** Opens `perUser` wallboards for each of the stack's supervisors in the wallboards' process; throws if any fails. */
export async function connectWallboards(
  clients: ClientProcess<WallboardClientsRequest, WallboardClientsReply>,
  stack: Pick<WallboardStack, 'server' | 'prefix' | 'supervisors'>,
  perUser: number,
  concurrency: number,
): Promise<Extract<WallboardClientsReply, { type: 'connected' }>> {
  const connected = await clients.request({
    type: 'connect',
    url: stack.server.url,
    redisUrl: REDIS_URL,
    channel: acdEventChannel(stack.prefix),
    users: stack.supervisors.map((user) => ({ username: user.username, password: WALLBOARD_PASSWORD })),
    perUser,
    concurrency,
  });
  if (connected.type !== 'connected' || connected.failed > 0) throw new Error(`wallboards failed: ${JSON.stringify(connected)}`);
  return connected;
}
