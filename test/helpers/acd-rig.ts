import type { Test } from 'tap';
import { Registry } from 'prom-client';
import { AcdEventBus, type AcdEvent } from '../../src/acd/acd-events.js';
import { recordAcdMetrics } from '../../src/acd/acd-metrics.js';
import { publishAcdEvents } from '../../src/acd/acd-publisher.js';
import { AcdHandoff } from '../../src/acd/acd-handoff.js';
import { AcdStore } from '../../src/acd/acd-store.js';
import { AcdDispatcher, type AgentContact } from '../../src/acd/dispatcher.js';
import type { QueueHandoff } from '../../src/ivr/context.js';
import type { Flow } from '../../src/ivr/schema.js';
import { loadRulesDirectory } from '../../src/routing/rules-catalog.js';
import type { EndpointBehaviour } from '../../src/telephony/simulator/index.js';
import { startIvrRig } from './ivr.js';
import { capturedLogger } from './logs.js';
import { createTestRedis } from './redis.js';

/** Every caller goes straight to the `support` queue (the routing rules may send it elsewhere). */
export const QUEUE_FLOW: Flow = { name: 'to-queue', default: true, start: 'q', steps: { q: { type: 'queue', queue: 'support' } } };

export interface RigAgent extends AgentContact {
  skills?: Record<string, number>;
  queues?: string[];
}

export interface AcdRigOptions {
  /** Routing-rules files, by name. */
  rules: Record<string, string>;
  agents: RigAgent[];
  endpoints: Record<string, EndpointBehaviour>;
  timeScale?: number;
}

/**
 * The ACD on the PBX simulator: IVR → routing rules → dispatcher, with its
 * own database and Redis prefix, every event collected in `events`.
 */
export async function startAcdRig(t: Test, options: AcdRigOptions) {
  const loaded = loadRulesDirectory(t.testdir(options.rules));
  if (!loaded.catalog) throw new Error(JSON.stringify(loaded.errors));
  const catalog = loaded.catalog;
  const { redis, prefix } = await createTestRedis(t);
  const store = new AcdStore(redis);
  for (const queue of catalog.queues()) await store.setQueueStrategy(queue.name, queue.strategy);
  const bus = new AcdEventBus();
  const events: AcdEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const registry = new Registry();
  recordAcdMetrics(bus, registry);
  publishAcdEvents(bus, redis, prefix, () => undefined);
  const { logger, lines } = capturedLogger([], 'info');
  // The hand-off needs the rig's recorder and database, which exist only once the rig runs.
  const lateHandoff: QueueHandoff = { enqueue: (...args) => handoff.enqueue(...args) };
  const rig = await startIvrRig(t, [QUEUE_FLOW], { endpoints: options.endpoints, timeScale: options.timeScale ?? 0.2, handoff: lateHandoff });
  const contact = (id: string) => options.agents.find((agent) => agent.agentId === id);
  const dispatcher = new AcdDispatcher({ store, recorder: rig.recorder, agents: contact, logger, sweepMs: 500, events: bus, catalog: () => catalog, db: rig.db.pool, region: 'CN' });
  const handoff = new AcdHandoff(dispatcher, () => catalog, rig.db.pool, 'CN');
  dispatcher.start();
  t.teardown(() => dispatcher.stop());
  const login = async (agentId: string) => {
    const agent = contact(agentId);
    dispatcher.agentChanged(await store.agentLogin({ agentId, skills: agent?.skills ?? { support: 5 }, queues: agent?.queues ?? ['support'] }));
    await dispatcher.agentFree(agentId);
  };
  /** The agent's status once it reaches `wanted` (or whatever it is after 5 s). */
  const statusOf = async (agentId: string, wanted: string): Promise<string | undefined> => {
    const deadline = Date.now() + 5000;
    let status = (await store.getAgent(agentId))?.status;
    while (status !== wanted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await store.getAgent(agentId))?.status;
    }
    return status;
  };
  return { ...rig, store, dispatcher, login, statusOf, events, registry, prefix, redis, catalog, acdLines: lines };
}
