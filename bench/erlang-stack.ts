/**
 * The erlang benchmark's stack, all in this process and over real HTTP / WebSocket: the PBX simulator with one
 * quickly answering phone per agent, Ringside itself (startServer) on a database, Redis key prefix, IVR flow and
 * routing rules of the bench's own, and the ACD's events read from Redis pub/sub as any other node would.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { AcdEvent } from '../src/acd/acd-events.js';
import { acdEventChannel } from '../src/acd/acd-publisher.js';
import { loadConfig } from '../src/config/env.js';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/logging/logger.js';
import { deleteKeysMatching } from '../src/redis/client.js';
import { startServer, type RunningServer } from '../src/server.js';
import { startSimulator, type EndpointBehaviour, type RunningSimulator } from '../src/telephony/simulator/index.js';
import { ensureUser } from '../src/users/repository.js';

export const QUEUE = 'erlang';
export const MAIN_NUMBER = '800';
export const VIP_NUMBER = '801';

export type BenchEvent = AcdEvent;

export interface StackOptions {
  agents: number;
  serviceLevelSeconds: number;
  vipPrioritySeconds: number;
  ringTimeoutSeconds: number;
  /** Simulated durations × this: prompts take no time, phones answer at once. */
  timeScale: number;
  /** Simulated ms before a phone answers (× timeScale in real time). */
  answerAfterMs: number;
}

export interface ErlangStack {
  simulator: RunningSimulator;
  server: RunningServer;
  /** Agent id → phone endpoint. */
  agents: Map<string, string>;
  onEvent(listener: (event: BenchEvent) => void): () => void;
  /** Warnings and errors Ringside logged (written to stderr as they come). */
  problems: () => number;
  close(): Promise<void>;
}

const ARI_PASSWORD = 'ringside-bench-ari';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench_erlang';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const flowYaml = `name: erlang-bench
description: Every call goes straight to the queue.
numbers: ['${MAIN_NUMBER}', '${VIP_NUMBER}']
default: true
start: wait
steps:
  wait:
    type: queue
    queue: ${QUEUE}
`;

function rulesYaml(options: StackOptions): string {
  return `queues:
  - name: ${QUEUE}
    serviceLevelSeconds: ${options.serviceLevelSeconds}
    maxWaitSeconds: 3600
    maxLength: 100000
    wrapUpSeconds: 0
    ringTimeoutSeconds: ${options.ringTimeoutSeconds}
    strategy: longest_idle
    announcements: { onEntry: true, everySeconds: 30, position: true, estimatedWait: true }
    whenNoAgents: { action: wait }
    whenFull: { action: wait }
    whenMaxWait: { action: wait }
rules:
  - name: vip
    when: { field: dialled, equals: '${VIP_NUMBER}' }
    queue: ${QUEUE}
    priority: ${options.vipPrioritySeconds}
  - name: standard
    queue: ${QUEUE}
`;
}

export async function startErlangStack(options: StackOptions): Promise<ErlangStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringside-erlang-'));
  const prefix = `ringside-bench:erlang:${Date.now().toString(36)}:`;
  mkdirSync(path.join(dir, 'flows'));
  mkdirSync(path.join(dir, 'rules'));
  writeFileSync(path.join(dir, 'flows', 'bench.yaml'), flowYaml);
  writeFileSync(path.join(dir, 'rules', 'erlang.yaml'), rulesYaml(options));
  const endpoints: Record<string, EndpointBehaviour> = {};
  for (let i = 0; i < options.agents; i++) endpoints[`PJSIP/${9001 + i}`] = { behaviour: 'answer', answerAfterMs: options.answerAfterMs };

  const cleanups: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error: unknown) => console.error('erlang bench cleanup:', error));
  };
  try {
    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
    cleanups.push(() => dropDatabase(DATABASE_URL));
    await migrate(DATABASE_URL);
    const db = createPool(DATABASE_URL, 2);
    try {
      for (const endpoint of Object.keys(endpoints)) {
        await ensureUser(db, { username: `erlang-${endpoint.slice(6)}`, displayName: `Agent ${endpoint.slice(6)}`, role: 'agent', password: 'bench-only-password', defaultEndpoint: endpoint, skills: { [QUEUE]: 5 } });
      }
    } finally {
      await db.end();
    }

    const simulator = await startSimulator({ port: 0, users: { ringside: ARI_PASSWORD }, dialplanApps: ['ringside'], endpoints, timeScale: options.timeScale });
    cleanups.push(() => simulator.close());

    const subscriber = new Redis(REDIS_URL, { lazyConnect: true });
    await subscriber.connect();
    cleanups.push(() => deleteKeysMatching(REDIS_URL, `${prefix}*`), () => subscriber.disconnect());
    const listeners = new Set<(event: BenchEvent) => void>();
    subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as BenchEvent;
      for (const listener of listeners) listener(event);
    });
    await subscriber.subscribe(acdEventChannel(prefix));

    const config = loadConfig({
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      DATABASE_POOL_SIZE: '10',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ARI_URL: simulator.url,
      ARI_PASSWORD,
      NODE_ID: 'erlang-bench',
      IVR_FLOWS_DIR: path.join(dir, 'flows'),
      ROUTING_RULES_DIR: path.join(dir, 'rules'),
    });
    let problems = 0;
    const logger = createLogger({
      level: 'warn',
      secrets: [ARI_PASSWORD],
      destination: {
        write: (line: string) => {
          problems += 1;
          process.stderr.write(line);
        },
      },
    });
    const server = await startServer(config, logger);
    cleanups.push(() => server.close());

    const agents = new Map(server.telephony.acd.agents().map((agent) => [agent.agentId, agent.endpoint]));
    for (const agentId of agents.keys()) await server.telephony.acd.login(agentId);
    return {
      simulator,
      server,
      agents,
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      problems: () => problems,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
