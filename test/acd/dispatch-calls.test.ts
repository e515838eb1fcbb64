import t from 'tap';
import { Redis } from 'ioredis';
import { acdEventChannel } from '../../src/acd/acd-publisher.js';
import { AcdDispatcher, type AgentContact } from '../../src/acd/dispatcher.js';
import type { EndpointBehaviour } from '../../src/telephony/simulator/index.js';
import { flowSource } from '../helpers/ivr.js';
import { CallRegistry } from '../../src/calls/call-registry.js';
import { CallStore } from '../../src/calls/call-store.js';
import { HoldingHandoff } from '../../src/ivr/holding-handoff.js';
import { IvrCallFlow } from '../../src/ivr/ivr-call-flow.js';
import { AriTelephony } from '../../src/telephony/ari/adapter.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';
import { capturedLogger } from '../helpers/logs.js';
import { waitUntil } from '../helpers/telephony.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { QUEUE_FLOW, startAcdRig } from '../helpers/acd-rig.js';

const RULES = {
  'queues.yaml': `queues:
  - { name: support, wrapUpSeconds: 1, ringTimeoutSeconds: 5, strategy: longest_idle, whenNoAgents: { action: wait } }
`,
  'rules.yaml': `rules:
  - { name: everyone, queue: support }
`,
};

const flow = QUEUE_FLOW;

const AGENTS: AgentContact[] = [
  { agentId: 'ann', displayName: 'Ann', endpoint: 'PJSIP/2001' },
  { agentId: 'bob', displayName: 'Bob', endpoint: 'PJSIP/2002' },
];

const acdRig = (t: Parameters<typeof startAcdRig>[0], endpoints: Record<string, EndpointBehaviour>) => startAcdRig(t, { rules: RULES, agents: AGENTS, endpoints });
const statusOf = (rig: Awaited<ReturnType<typeof acdRig>>, agentId: string, wanted: string) => rig.statusOf(agentId, wanted);

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
  t.equal(await statusOf(rig, 'ann', 'on_call'), 'on_call', 'on call once bridged');
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'answered', outcome_detail: 'agent:ann', queue: 'support' });
  t.ok(row.ended_at, 'the agent hanging up ended the call for the caller too');
  t.equal(await statusOf(rig, 'ann', 'available'), 'available', 'available after wrap-up');
  await waitUntil(() => rig.dispatcher.trackedCount() === 0, 5000, 'the wrap-up timer to be gone');
  const story = rig.events.map((event) => (event.type === 'agent.state' ? `${event.from}>${event.to}` : event.type));
  t.same(story, ['logged_out>available', 'call.queued', 'available>offered', 'call.offered', 'offered>on_call', 'call.answered', 'call.completed', 'on_call>wrap_up', 'wrap_up>available']);
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

t.test('an agent who hangs up the moment they answer: the caller goes back to their place, nobody is left in silence', async (t) => {
  const rig = await acdRig(t, { 'PJSIP/2001': { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 1 }, 'PJSIP/2002': { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 2000 } });
  await rig.login('ann');
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.events.some((event) => event.type === 'call.missed'), 8000, 'the dropped answer');
  t.match(await rig.store.getAgent('ann'), { status: 'paused', reason: 'missed' });
  t.same(await rig.store.waitingCalls('support'), [call.channelId], 'back at its place');
  await rig.login('bob');
  t.match(await rig.closed(call.channelId), { outcome: 'answered', outcome_detail: 'agent:bob' });
  await waitUntil(() => rig.simulator.control.stats().bridges === 0, 5000, 'no bridge left behind');
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

t.test('a restart keeps waiting calls in order and lets a conversation go on', async (t) => {
  const rig = await acdRig(t, { 'PJSIP/2001': { behaviour: 'manual' } });
  await rig.login('ann');
  const talking = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.events.some((event) => event.type === 'call.offered'), 5000, 'the first call offered');
  // The offer is decided before the phone starts ringing: answer as soon as it rings.
  for (let tries = 0; ; tries++) {
    try {
      await rig.simulator.control.answerEndpoint('PJSIP/2001');
      break;
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await waitUntil(() => Boolean(rig.simulator.control.callState(talking.channelId)?.bridgeId), 5000, 'the conversation to start');
  const first = await rig.simulator.control.placeCall({ from: '+8613800138001', to: '800' });
  // Music starts just before the call joins the line in Redis: wait for its queued event.
  const queued = (callId: string) => rig.events.some((event) => event.type === 'call.queued' && event.callId === callId);
  await waitUntil(() => queued(first.channelId), 5000, 'the first waiting call');
  const second = await rig.simulator.control.placeCall({ from: '+8613800138002', to: '800' });
  await waitUntil(() => queued(second.channelId), 5000, 'the second waiting call');
  t.same(await rig.store.waitingCalls('support'), [first.channelId, second.channelId]);

  // The process goes away: its WebSocket closes; calls stay in Asterisk, ACD state in Redis.
  rig.dispatcher.stop();
  rig.calls.shutdown();
  await rig.telephony.stop();

  const { logger, lines } = capturedLogger([], 'info');
  const telephony = new AriTelephony({ url: rig.simulator.url, user: ARI_USER, password: ARI_PASSWORD, app: 'ringside', logger, reconnectInitialMs: 50 });
  const dispatcher = new AcdDispatcher({
    store: rig.store,
    recorder: rig.recorder,
    agents: (id) => AGENTS.find((agent) => agent.agentId === id),
    catalog: () => rig.catalog,
    wrapUpSeconds: () => 1,
    logger,
    sweepMs: 500,
  });
  const ivr = new IvrCallFlow({ flows: flowSource([flow]), db: rig.db.pool, region: 'CN', recorder: rig.recorder, handoff: new HoldingHandoff(), transferContext: 'ringside-transfer', recovery: dispatcher });
  const calls = new CallRegistry({ telephony, store: new CallStore(rig.redis, 'ringside', 'restarted'), flow: ivr, fallback: { context: 'ringside-down' }, logger });
  dispatcher.start();
  await telephony.start();
  t.teardown(async () => {
    dispatcher.stop();
    calls.shutdown();
    await telephony.stop();
  });
  await waitUntil(() => calls.activeCalls() === 3, 5000, 'the three calls taken back').catch((error: unknown) => {
    t.comment(lines.join('\n'));
    throw error;
  });
  const recoveredLines = () => lines.filter((line) => /waiting call recovered at its place|conversation recovered after a restart/.test(line)).length;
  await waitUntil(() => recoveredLines() === 3, 5000, 'every recovery to be done');
  t.match(lines.join('\n'), /conversation recovered after a restart/);
  t.equal(lines.filter((line) => line.includes('waiting call recovered at its place')).length, 2);

  // The agent ends the conversation: the caller is hung up, and after wrap-up the agent takes the first waiting call.
  await rig.simulator.control.hangupEndpoint('PJSIP/2001');
  t.match(await rig.closed(talking.channelId), { outcome: 'answered', outcome_detail: 'agent:ann' });
  await waitUntil(() => rig.simulator.control.callState(first.channelId)?.musicOnHold === false || false, 100).catch(() => undefined);
  const deadline = Date.now() + 8000;
  while ((await rig.store.getAgent('ann'))?.callId !== first.channelId && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await rig.store.getAgent('ann'))?.callId, first.channelId, 'the longest-waiting call goes first after the restart');
  t.same(await rig.store.waitingCalls('support'), [second.channelId], 'the other still waits at its place');
  await rig.simulator.control.hangup(first.channelId);
  await rig.simulator.control.hangup(second.channelId);
  t.match(await rig.closed(second.channelId), { outcome: 'abandoned', outcome_detail: 'queue:support' });
});
