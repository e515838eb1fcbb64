import type { Test } from 'tap';
import { loadConfig } from '../../src/config/env.js';
import type { Role } from '../../src/users/repository.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startSimulator, type RunningSimulator } from '../../src/telephony/simulator/index.js';
import { addUser, TEST_PASSWORD } from './auth.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_REDIS_URL } from './env.js';
import { capturedLogger } from './logs.js';
import { createTestRedis } from './redis.js';
import { ARI_PASSWORD, ARI_USER } from './telephony.js';

/** Every call goes to support; billing is where calls are transferred to. */
const FLOW = 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n';
const queueLine = (name: string, wrapUpSeconds: number) =>
  `  - { name: ${name}, ringTimeoutSeconds: 120, wrapUpSeconds: ${wrapUpSeconds}, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n`;

export interface SiteUser {
  username: string;
  role: Role;
  endpoint?: string;
  skills?: Record<string, number>;
}

export interface SiteOptions {
  users: SiteUser[];
  /** Phones of nobody in particular (a supervisor may monitor from any). */
  extraEndpoints?: string[];
  /** Wrap-up of both queues (seconds). */
  wrapUpSeconds?: number;
  /** More environment for the server (API_KEYS, DISPOSITIONS…). */
  env?: Record<string, string>;
  /** Values that must never reach the logs, besides the ARI and users' passwords. */
  secrets?: string[];
  logLevel?: string;
  /** The server's database URL from the test database's (a proxy in front of it, for faults). */
  databaseUrl?: (directUrl: string) => string;
  /** The IVR flow instead of one that queues every call to support at once. */
  flow?: string;
  /** The routing rules file instead of the two plain queues (it must still define support and billing). */
  rules?: string;
}

export interface Site {
  db: TestDatabase;
  simulator: RunningSimulator;
  server: RunningServer;
  /** The Redis key prefix of this site. */
  prefix: string;
  /** Users' ids by username. */
  ids: Record<string, string>;
  /** The server's log lines (SHOW_LOGS=1 prints them after the test). */
  lines: string[];
}

/**
 * A whole Ringside against real PostgreSQL and Redis and the PBX simulator: queues support and billing,
 * every user's phone answering only when the test says.
 */
export async function startSite(t: Test, options: SiteOptions): Promise<Site> {
  const db = await createTestDatabase(t);
  const { prefix } = await createTestRedis(t);
  const phones = [...options.users.flatMap((user) => (user.endpoint ? [user.endpoint] : [])), ...(options.extraEndpoints ?? [])];
  const endpoints = Object.fromEntries(phones.map((endpoint) => [endpoint, { behaviour: 'manual' as const }]));
  const simulator = await startSimulator({ port: 0, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: ['ringside'], timeScale: 0.1, endpoints });
  t.teardown(() => simulator.close());
  const ids: Record<string, string> = {};
  for (const user of options.users) {
    ids[user.username] = String(await addUser(db.pool, user.username, user.role, { ...(user.endpoint ? { defaultEndpoint: user.endpoint } : {}), ...(user.skills ? { skills: user.skills } : {}) }));
  }
  const wrapUp = options.wrapUpSeconds ?? 120;
  const dir = t.testdir({
    flows: { 'q.yaml': options.flow ?? FLOW },
    rules: { 'r.yaml': options.rules ?? `queues:\n${queueLine('support', wrapUp)}${queueLine('billing', wrapUp)}rules:\n  - { name: everyone, queue: support }\n` },
  });
  const config = loadConfig({
    HTTP_PORT: '0',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.url) : db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ARI_URL: simulator.url,
    ARI_USER,
    ARI_PASSWORD,
    IVR_FLOWS_DIR: `${dir}/flows`,
    ROUTING_RULES_DIR: `${dir}/rules`,
    DEFAULT_REGION: 'CN',
    ...options.env,
  });
  const { logger, lines } = capturedLogger([ARI_PASSWORD, TEST_PASSWORD, ...(options.secrets ?? [])], options.logLevel ?? 'warn');
  t.teardown(() => {
    if (process.env.SHOW_LOGS) console.error(lines.join('\n'));
  });
  const server = await startServer(config, logger);
  t.teardown(() => server.close());
  return { db, simulator, server, ids, lines, prefix };
}

export interface Reply<Body = unknown> {
  status: number;
  body: Body;
}

/** REST calls with one user's session cookie: the status and the parsed JSON body (null when empty). */
export const apiFor =
  (server: RunningServer, cookie: string) =>
  async <Body = unknown>(method: string, path: string, body?: unknown): Promise<Reply<Body | null>> => {
    const response = await fetch(`${server.url}/api${path}`, {
      method,
      headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Body) : null };
  };

/** The offer is decided before the phone rings: answer as soon as it does. */
export async function answerWhenRinging(simulator: RunningSimulator, endpoint: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await simulator.control.answerEndpoint(endpoint);
      return;
    } catch (error) {
      if (tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }
}
