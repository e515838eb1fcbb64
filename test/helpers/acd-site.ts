import { Redis } from 'ioredis';
import type { Test } from 'tap';
import type { AcdEvent } from '../../src/acd/acd-events.js';
import { acdEventChannel } from '../../src/acd/acd-publisher.js';
import { AcdStore } from '../../src/acd/acd-store.js';
import { startSimulator, type EndpointBehaviour, type RunningSimulator } from '../../src/telephony/simulator/index.js';
import { ensureUser } from '../../src/users/repository.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_REDIS_URL } from './env.js';
import { createTestRedis } from './redis.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from './telephony.js';

/** One IVR flow that queues every caller in `support`; one queue, one rule. */
const FLOWS = {
  'to-support.yaml': `name: to-support
default: true
start: wait
steps:
  wait: { type: queue, queue: support }
`,
};

// No announcements (callers hear music on hold only) and no queue exits: these sites test where calls go, not what waiting callers hear.
const rulesFor = (wrapUpSeconds: number, ringTimeoutSeconds: number) => ({
  'routing.yaml': `queues:
  - name: support
    wrapUpSeconds: ${wrapUpSeconds}
    ringTimeoutSeconds: ${ringTimeoutSeconds}
    maxLength: 10000
    maxWaitSeconds: 86400
    strategy: longest_idle
    announcements: { onEntry: false, everySeconds: 0 }
    whenNoAgents: { action: wait }
    whenFull: { action: wait }
    whenMaxWait: { action: wait }
rules:
  - { name: everyone, queue: support }
`,
});

export const QUEUE = 'support';

/** Every agent's password in these sites (users agent1, agent2, …). */
export const AGENT_PASSWORD = 'agent-password';

/** Simulated time runs 5× faster in these sites. */
const TIME_SCALE = 0.2;

/**
 * Agent phones (simulated ms; real time is 0.2×): ring 0.1 s, then either talk until the test hangs up, or talk
 * 1.5 s — long enough for a busy node on a loaded machine to bridge the call (up to 0.5 s seen) before the agent
 * hangs up.
 */
export const TALKS_UNTIL_HUNG_UP: EndpointBehaviour = { behaviour: 'answer', answerAfterMs: 500 };
export const SHORT_TALK: EndpointBehaviour = { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 7500 };

/** Polls an asynchronous condition until it holds; fails after `ms`. */
export async function eventually(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SiteAgent {
  agentId: string;
  endpoint: string;
}

export interface InteractionRow {
  call_id: string;
  outcome: string | null;
  outcome_detail: string | null;
  agent_id: string | null;
  answered_at: Date | null;
  ended_at: Date | null;
}

export interface AcdSite {
  simulator: RunningSimulator;
  db: TestDatabase;
  prefix: string;
  /** The ACD's Redis state as every node sees it. */
  store: AcdStore;
  agents: SiteAgent[];
  /** Every ACD event any node published on `<prefix>events:acd`, in the order received. */
  events: AcdEvent[];
  /** The environment of one `ringside serve` node of this site. */
  env(node: { app: string; nodeId: string }): Record<string, string>;
  /** Logs every agent in as available (as their console would), straight in Redis. */
  loginAll(): Promise<void>;
  /** Places a call and waits until the ACD has queued it (its `call.queued` event), so that arrival order is placement order. */
  placeQueuedCall(from: string): Promise<string>;
  interactions(): Promise<InteractionRow[]>;
  /** Waits until `count` interactions have ended; returns them all. */
  closedInteractions(count: number, ms: number): Promise<InteractionRow[]>;
}

/**
 * What a contact center needs around its Ringside nodes: a PBX (the simulator, agent phones configured), a database
 * with the agents (role agent, a phone, a `support` skill), a Redis prefix, IVR flows and routing rules on disk,
 * and a subscriber to the ACD's events. All of it is torn down with the test.
 */
export async function startAcdSite(
  t: Test,
  options: {
    agents: number;
    phone: EndpointBehaviour;
    apps: string[];
    wrapUpSeconds?: number;
    /** Other phones for some agents, by agent number from 1. */
    phones?: Record<number, EndpointBehaviour>;
    /** IVR flow files instead of the one that queues every caller at once. */
    flows?: Record<string, string>;
    /** How long an agent's phone rings (simulated seconds; 15 by default, 3 s of real time). */
    ringTimeoutSeconds?: number;
    /** A Redis of the test's own (one it can restart) instead of the shared one. */
    redisUrl?: string;
  },
): Promise<AcdSite> {
  const agentEndpoints = Array.from({ length: options.agents }, (_, i) => `PJSIP/${3001 + i}`);
  const simulator = await startSimulator({
    port: 0,
    users: { [ARI_USER]: ARI_PASSWORD },
    dialplanApps: options.apps,
    endpoints: Object.fromEntries(agentEndpoints.map((endpoint, i) => [endpoint, options.phones?.[i + 1] ?? options.phone])),
    timeScale: TIME_SCALE,
  });
  t.teardown(() => simulator.close());
  const db = await createTestDatabase(t, { poolSize: 4 });
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const { redis, prefix } = await createTestRedis(t, redisUrl);
  const store = new AcdStore(redis);
  const agents = await Promise.all(
    agentEndpoints.map(async (endpoint, i) => {
      const id = await ensureUser(db.pool, { username: `agent${i + 1}`, displayName: `Agent ${i + 1}`, role: 'agent', password: AGENT_PASSWORD, defaultEndpoint: endpoint, skills: { [QUEUE]: 5 } });
      return { agentId: String(id), endpoint };
    }),
  );
  const flowsDir = t.testdir({ flows: options.flows ?? FLOWS, rules: rulesFor(options.wrapUpSeconds ?? 1, options.ringTimeoutSeconds ?? 15) });

  const events: AcdEvent[] = [];
  const subscriber = new Redis(redisUrl);
  subscriber.on('error', () => undefined);
  t.teardown(() => subscriber.disconnect());
  subscriber.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as AcdEvent));
  await subscriber.subscribe(acdEventChannel(prefix));

  const interactions = async () =>
    (
      await db.pool.query<InteractionRow>(
        'SELECT call_id, outcome, outcome_detail, agent_id::text, answered_at, ended_at FROM interactions ORDER BY arrived_at, id',
      )
    ).rows;

  return {
    simulator,
    db,
    prefix,
    store,
    agents,
    events,
    env: ({ app, nodeId }) => ({
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      ARI_URL: simulator.url,
      ARI_USER,
      ARI_PASSWORD,
      ARI_APP: app,
      NODE_ID: nodeId,
      IVR_FLOWS_DIR: `${flowsDir}/flows`,
      ROUTING_RULES_DIR: `${flowsDir}/rules`,
    }),
    loginAll: async () => {
      for (const agent of agents) await store.agentLogin({ agentId: agent.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
    },
    placeQueuedCall: async (from) => {
      const { channelId } = await simulator.control.placeCall({ from, to: '800' });
      await waitUntil(() => events.some((event) => event.type === 'call.queued' && event.callId === channelId), 10_000, `call ${channelId} to be queued`);
      return channelId;
    },
    interactions,
    closedInteractions: async (count, ms) => {
      let rows: InteractionRow[] = [];
      const closed = () => rows.filter((row) => row.ended_at !== null).length;
      const check = async () => {
        rows = await interactions();
        return closed() >= count;
      };
      await eventually(check, ms, `${count} interactions to close`).catch((error: Error) => {
        throw new Error(`${error.message} (${closed()} closed)`);
      });
      return rows;
    },
  };
}
