import t from 'tap';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { AcdEventBus, type AcdEvent } from '../../src/acd/acd-events.js';
import { recordAcdMetrics } from '../../src/acd/acd-metrics.js';
import { acdEventChannel, publishAcdEvents } from '../../src/acd/acd-publisher.js';
import { AcdHandoff } from '../../src/acd/acd-handoff.js';
import { AcdStore } from '../../src/acd/acd-store.js';
import { AcdDispatcher, type AgentContact } from '../../src/acd/dispatcher.js';
import type { QueueHandoff } from '../../src/ivr/context.js';
import type { Flow } from '../../src/ivr/schema.js';
import { loadRulesDirectory } from '../../src/routing/rules-catalog.js';
import type { EndpointBehaviour } from '../../src/telephony/simulator/index.js';
import { startIvrRig } from '../helpers/ivr.js';
import { capturedLogger } from '../helpers/logs.js';
import { createTestRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/telephony.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const RULES = {
  'queues.yaml': `queues:
  - { name: support, wrapUpSeconds: 1, ringTimeoutSeconds: 5, strategy: longest_idle }
`,
  'rules.yaml': `rules:
  - { name: everyone, queue: support }
`,
};

const flow: Flow = { name: 'to-queue', default: true, start: 'q', steps: { q: { type: 'queue', queue: 'support' } } };

const AGENTS: AgentContact[] = [
  { agentId: 'ann', displayName: 'Ann', endpoint: 'PJSIP/2001' },
  { agentId: 'bob', displayName: 'Bob', endpoint: 'PJSIP/2002' },
];

async function acdRig(t: Parameters<typeof startIvrRig>[0], endpoints: Record<string, EndpointBehaviour>) {
  const dir = t.testdir(RULES);
  const loaded = loadRulesDirectory(dir);
  if (!loaded.catalog) throw new Error(JSON.stringify(loaded.errors));
  const catalog = loaded.catalog;
  const { redis, prefix } = await createTestRedis(t);
  const store = new AcdStore(redis);
  const bus = new AcdEventBus();
  const events: AcdEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const registry = new Registry();
  recordAcdMetrics(bus, registry);
  publishAcdEvents(bus, redis, prefix, () => undefined);
  const { logger } = capturedLogger([], 'info');
  // The hand-off needs the rig's recorder and database, which exist only once the rig runs.
  const lateHandoff: QueueHandoff = { enqueue: (...args) => handoff.enqueue(...args) };
  const rig = await startIvrRig(t, [flow], { endpoints, timeScale: 0.2, handoff: lateHandoff });
  const dispatcher = new AcdDispatcher({ store, recorder: rig.recorder, agents: (id) => AGENTS.find((agent) => agent.agentId === id), logger, sweepMs: 500, events: bus });
  const handoff = new AcdHandoff(dispatcher, () => catalog, rig.db.pool, 'CN');
  dispatcher.start();
  t.teardown(() => dispatcher.stop());
  const login = async (agentId: string) => {
    dispatcher.agentChanged(await store.agentLogin({ agentId, skills: { support: 5 }, queues: ['support'] }));
    await dispatcher.agentFree(agentId);
  };
  return { ...rig, store, dispatcher, login, events, registry, prefix };
}

/** The agent's status once it reaches `wanted` (or whatever it is after 5 s). */
async function statusOf(rig: { store: AcdStore }, agentId: string, wanted: string): Promise<string | undefined> {
  const deadline = Date.now() + 5000;
  let status = (await rig.store.getAgent(agentId))?.status;
  while (status !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = (await rig.store.getAgent(agentId))?.status;
  }
  return status;
}

t.test('a queued caller is offered to a free agent, bridged on answer; wrap-up, then available again', async (t) => {
  const rig = await acdRig(t, { 'PJSIP/2001': { behaviour: 'answer', answerAfterMs: 1000, hangupAfterMs: 5000 } });
  const subscriber = new Redis(TEST_REDIS_URL);
  t.teardown(() => subscriber.disconnect());
  const published: string[] = [];
  subscriber.on('message', (_channel: string, message: string) => published.push(message));
  await subscriber.subscribe(acdEventChannel(rig.prefix));
  await rig.login('ann');
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.simulator.control.callState(call.channelId)?.bridgeId !== null && rig.simulator.control.callState(call.channelId)?.bridgeId !== undefined, 10_000, 'caller and agent bridged');
  t.equal((await rig.store.getAgent('ann'))?.status, 'on_call');
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'answered', outcome_detail: 'agent:ann', queue: 'support' });
  t.ok(row.ended_at, 'the agent hanging up ended the call for the caller too');
  t.equal(await statusOf(rig, 'ann', 'available'), 'available', 'available after wrap-up');
  await waitUntil(() => rig.dispatcher.trackedCount() === 0, 5000, 'the wrap-up timer to be gone');
  const story = rig.events.map((event) => (event.type === 'agent.state' ? `${event.from}>${event.to}` : event.type));
  t.same(story, ['logged_out>available', 'call.queued', 'available>offered', 'call.offered', 'offered>on_call', 'call.answered', 'on_call>wrap_up', 'wrap_up>available']);
  await waitUntil(() => published.length === story.length, 5000, 'every event published on Redis');
  t.match(JSON.parse(published[1]!), { type: 'call.queued', callId: call.channelId, queue: 'support', rule: 'everyone' });
  const metrics = await rig.registry.metrics();
  t.match(metrics, /ringside_acd_calls_total\{queue="support",event="answered"\} 1/);
  t.match(metrics, /ringside_acd_wait_seconds_count\{queue="support",outcome="answered"\} 1/);
  t.match(metrics, /ringside_agents\{state="available"\} 1/);
});

t.test('an agent who does not answer is paused "missed"; the call goes to the next agent from its place', async (t) => {
  const rig = await acdRig(t, { 'PJSIP/2001': { behaviour: 'busy' }, 'PJSIP/2002': { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 2000 } });
  await rig.login('ann');
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => Boolean(rig.simulator.control.callState(call.channelId)?.musicOnHold), 5000, 'the caller to wait');
  t.equal(await statusOf(rig, 'ann', 'paused'), 'paused');
  t.match(await rig.store.getAgent('ann'), { status: 'paused', reason: 'missed' });
  t.same(await rig.store.waitingCalls('support'), [call.channelId], 'back in its place');
  await rig.login('bob');
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'answered', outcome_detail: 'agent:bob' });
});

t.test('the caller hangs up while waiting, or while the agent\'s phone rings', async (t) => {
  const rig = await acdRig(t, { 'PJSIP/2001': { behaviour: 'manual' } });
  const waiting = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 5, hangup: true }] });
  t.match(await rig.closed(waiting.channelId), { outcome: 'abandoned', outcome_detail: 'queue:support' });
  t.same(await rig.store.waitingCalls('support'), [], 'removed from the queue at once');

  await rig.login('ann');
  // The ring timeout (5 s) runs at the simulator's time scale (0.2): the caller gives up 0.6 s in, while it rings.
  const ringing = await rig.simulator.control.placeCall({ from: '+8613800138001', to: '800', script: [{ at: 3, hangup: true }] });
  t.match(await rig.closed(ringing.channelId), { outcome: 'abandoned', outcome_detail: 'offered:ann' });
  await waitUntil(() => rig.simulator.control.stats().channels === 0, 5000, 'the agent leg to be cancelled');
  t.equal(await statusOf(rig, 'ann', 'available'), 'available', 'the agent is free again');
  t.equal(rig.dispatcher.trackedCount(), 0);
  t.same(
    rig.events.filter((event) => event.type === 'call.abandoned').map((event) => event.type === 'call.abandoned' && event.stage),
    ['queue', 'offered'],
    'both abandons published with their stage',
  );
});
