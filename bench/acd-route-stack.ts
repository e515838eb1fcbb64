/**
 * The end-to-end part of the `acd` benchmark, its stack: the PBX simulator in a child process (bench/acd-pbx.ts) with
 * one phone per agent, and one Ringside node (startServer) in this process on a database, Redis key prefix, IVR flow
 * and routing rules of the bench's own: every caller goes through the IVR's queue step, the routing rules (queue,
 * skill level, priority from the dialled number), the hand-off and the dispatcher, as in production.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/env.js';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { deleteKeysMatching } from '../src/redis/client.js';
import { startServer, type RunningServer } from '../src/server.js';
import type { EndpointBehaviour } from '../src/telephony/simulator/index.js';
import { hashPassword } from '../src/users/repository.js';
import type { PbxReply, PbxRequest } from './acd-pbx.js';
import { problemLogger } from './server-side.js';

const ARI_PASSWORD = 'ringside-bench-ari';
const DATABASE_URL = process.env.BENCH_ACD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench_acd';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchAgent {
  /** Queue (= skill) name → level. An agent serves the queues named like their skills (agent-directory.ts). */
  skills: Record<string, number>;
  endpoint: string;
  phone: EndpointBehaviour;
}

export interface RouteStack {
  server: RunningServer;
  /** Sends calls to the simulator; resolves once placed (they then reach Ringside over ARI). */
  place(calls: Array<{ from: string; to: string }>): Promise<{ ok: number; failed: number }>;
  /** These agents hang up their call (as the phone's hang-up button would). */
  hangUp(endpoints: string[]): Promise<void>;
  pbxStats(): Promise<{ channels: number; bridges: number; rssMb: number }>;
  /** Warnings and errors Ringside logged, and how many of each message. */
  problems: () => number;
  problemKinds: () => Map<string, number>;
  close(): Promise<void>;
}

export const queueName = (index: number): string => `q${String(index).padStart(3, '0')}`;
/** Dialled number of a call for queue `q`, skill level `level`: 7QQQL standard, 8QQQL priority. */
export const dialled = (q: number, level: number, priority: boolean): string => `${priority ? 8 : 7}${String(q).padStart(3, '0')}${level}`;

/** Queues that make callers wait for ever, silently; rules from the dialled number. JSON is YAML. */
function rulesFiles(queues: number, priority: number): Record<string, unknown> {
  const settings = {
    maxWaitSeconds: 86400,
    maxLength: 100000,
    wrapUpSeconds: 0,
    ringTimeoutSeconds: 30,
    strategy: 'longest_idle',
    announcements: { onEntry: false, everySeconds: 0, position: false, estimatedWait: false },
    whenNoAgents: { action: 'wait' },
    whenFull: { action: 'wait' },
    whenMaxWait: { action: 'wait' },
  };
  const rules = (withPriority: boolean) =>
    Array.from({ length: queues }, (_, q) =>
      [1, 2, 3].map((level) => ({
        name: `${withPriority ? 'p' : 's'}-${queueName(q)}-${level}`,
        when: { field: 'dialled', equals: dialled(q, level, withPriority) },
        queue: queueName(q),
        skills: { [queueName(q)]: level },
        ...(withPriority ? { priority } : {}),
      })),
    ).flat();
  return {
    '00-queues.yaml': { queues: Array.from({ length: queues }, (_, q) => ({ name: queueName(q), ...settings })) },
    '10-standard.yaml': { rules: rules(false) },
    '20-priority.yaml': { rules: [...rules(true), { name: 'default', queue: queueName(0) }] },
  };
}

const FLOW = { name: 'acd-bench', description: 'Every call goes straight to a queue; the routing rules pick which.', default: true, start: 'wait', steps: { wait: { type: 'queue', queue: queueName(0) } } };

/** The agents as users with a phone and skills (one password hash for all: argon2 per user would take a minute). */
async function seedAgents(agents: BenchAgent[]): Promise<void> {
  const db = createPool(DATABASE_URL, 2);
  try {
    const hash = await hashPassword('bench-only-password');
    const { rows } = await db.query<{ id: string; username: string }>(
      `INSERT INTO users (username, display_name, role, password_hash, default_endpoint)
       SELECT u, 'Agent ' || u, 'agent', $2, e FROM unnest($1::text[], $3::text[]) AS t(u, e) RETURNING id, username`,
      [agents.map((_, i) => `bench-${i}`), hash, agents.map((agent) => agent.endpoint)],
    );
    const ids = new Map(rows.map((row) => [row.username, row.id]));
    const skills = agents.flatMap((agent, i) => Object.entries(agent.skills).map(([skill, level]) => [ids.get(`bench-${i}`)!, skill, level] as const));
    await db.query('INSERT INTO user_skills (user_id, skill, level) SELECT * FROM unnest($1::bigint[], $2::text[], $3::smallint[])', [
      skills.map(([id]) => id),
      skills.map(([, skill]) => skill),
      skills.map(([, , level]) => level),
    ]);
  } finally {
    await db.end();
  }
}

export interface PbxProcess {
  child: ChildProcess;
  request: (message: PbxRequest) => Promise<PbxReply>;
  /** Asks the simulator to close, and kills it if it has not exited 10 s later. */
  stop: () => Promise<void>;
}

/** The simulator process, answering requests in order of their id. */
export function startPbx(): PbxProcess {
  const here = fileURLToPath(import.meta.url);
  const child = fork(path.join(path.dirname(here), `acd-pbx${path.extname(here)}`), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (reply: PbxReply) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on('message', (reply: PbxReply & { id: number }) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.type === 'error') waiter?.reject(new Error(`simulator: ${reply.message}`));
    else waiter?.resolve(reply);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`simulator process exited (${code})`));
    pending.clear();
  });
  const request = (message: PbxRequest) =>
    new Promise<PbxReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      void request({ type: 'close' }).catch(() => undefined);
    });
  return { child, request, stop };
}

export async function startRouteStack(options: { agents: BenchAgent[]; queues: number; priority: number }): Promise<RouteStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringside-acd-'));
  const prefix = `ringside-bench:acd-route:${Date.now().toString(36)}:`;
  const cleanups: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error: unknown) => console.error('acd bench cleanup:', error));
  };
  try {
    mkdirSync(path.join(dir, 'flows'));
    mkdirSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'flows', 'bench.yaml'), JSON.stringify(FLOW));
    for (const [name, content] of Object.entries(rulesFiles(options.queues, options.priority))) writeFileSync(path.join(dir, 'rules', name), JSON.stringify(content));

    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
    cleanups.push(() => dropDatabase(DATABASE_URL));
    await migrate(DATABASE_URL);
    await seedAgents(options.agents);

    const pbx = startPbx();
    cleanups.push(() => pbx.stop());
    const endpoints = Object.fromEntries(options.agents.map((agent) => [agent.endpoint, agent.phone]));
    const ready = await pbx.request({ type: 'start', options: { port: 0, users: { ringside: ARI_PASSWORD }, dialplanApps: ['ringside'], endpoints, timeScale: 1 } });
    if (ready.type !== 'ready') throw new Error('the simulator did not start');

    const config = loadConfig({
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ARI_URL: ready.url,
      ARI_PASSWORD,
      NODE_ID: 'acd-bench',
      IVR_FLOWS_DIR: path.join(dir, 'flows'),
      ROUTING_RULES_DIR: path.join(dir, 'rules'),
    });
    cleanups.push(() => deleteKeysMatching(REDIS_URL, `${prefix}*`));
    const { logger, problems, problemKinds } = problemLogger([ARI_PASSWORD]);
    const server = await startServer(config, logger);
    cleanups.push(() => server.close());
    return {
      server,
      place: async (calls) => {
        const reply = await pbx.request({ type: 'place', calls });
        return reply.type === 'placed' ? reply : { ok: 0, failed: calls.length };
      },
      hangUp: async (endpoints) => {
        await pbx.request({ type: 'hangup', endpoints });
      },
      pbxStats: async () => {
        const reply = await pbx.request({ type: 'stats' });
        return reply.type === 'stats' ? reply : { channels: 0, bridges: 0, rssMb: 0 };
      },
      problems,
      problemKinds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
