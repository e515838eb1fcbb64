import t, { type Test } from 'tap';
import { AcdStore } from '../../src/acd/acd-store.js';
import { centerDate } from '../../src/acd/node-duties.js';
import { createRedis } from '../../src/redis/client.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis } from '../helpers/redis.js';

const S = 1000;

async function setup(t: Test, node = '') {
  const { redis, prefix } = await createTestRedis(t);
  const clock = { now: 1_000_000 };
  const store = new AcdStore(redis, { now: () => clock.now, node });
  return { redis, prefix, clock, store };
}

t.test('a supervisor raises a waiting call\'s priority: it moves up at once, counted from its own arrival', async (t) => {
  const { store } = await setup(t);
  for (const [i, id] of ['c1', 'c2', 'c3'].entries()) await store.enqueueCall({ callId: id, queue: 'q', enqueuedAt: (i + 1) * 10 * S });
  t.match(await store.updateCall('c3', { priority: 15 }), { state: 'waiting', queue: 'q', priority: 15, position: 2 });
  t.same(await store.waitingCalls('q'), ['c1', 'c3', 'c2'], 'arrived at 30 s with 15 s head start: ranks as 15 s, between 10 s and 20 s');
  t.match(await store.updateCall('c3', { priority: 0 }), { position: 3 }, 'and back down');
  await t.rejects(store.updateCall('nope', { priority: 5 }), { code: 'not_found' });
});

t.test('moving a call to another queue or adding one keeps its place in time', async (t) => {
  const { store, clock } = await setup(t);
  await store.enqueueCall({ callId: 'old', queue: 'sales', enqueuedAt: 1 * S });
  await store.enqueueCall({ callId: 'new', queue: 'support', enqueuedAt: 5 * S });
  t.match(await store.updateCall('old', { queues: ['support'] }), { queue: 'support', queues: ['support'], position: 1 });
  t.same(await store.waitingCalls('sales'), []);
  t.same(await store.waitingCalls('support'), ['old', 'new'], 'it arrived first, so it is first in its new queue');

  await store.enqueueCall({ callId: 'both', queue: 'sales', enqueuedAt: 2 * S });
  await store.updateCall('both', { queues: ['sales', 'billing'] });
  t.same(await store.waitingCalls('billing'), ['both'], 'added queue: it waits in both lines');
  t.same(await store.waitingCalls('sales'), ['both']);
  await store.agentLogin({ agentId: 'bill', skills: {}, queues: ['billing'] });
  clock.now += S;
  t.match(await store.assignForAgent('bill'), { callId: 'both', agents: ['bill'], remote: false });
  t.same([await store.waitingCalls('sales'), await store.waitingCalls('billing')], [[], []], 'the offer takes it out of every line');
  t.match(await store.requeueAtFront('both'), { queue: 'sales', position: 1 });
  t.same([await store.waitingCalls('sales'), await store.waitingCalls('billing')], [['both'], ['both']], 'a missed offer puts it back in every line');
  t.match(await store.removeCall('both'), { state: 'waiting', queue: 'sales', position: 1 });
  t.same([await store.waitingCalls('sales'), await store.waitingCalls('billing')], [[], []]);
});

t.test('a call tries its own queue before the ones an escalation added', async (t) => {
  const { store, clock } = await setup(t);
  await store.agentLogin({ agentId: 'helper', skills: {}, queues: ['support'] });
  clock.now += S;
  await store.agentLogin({ agentId: 'seller', skills: {}, queues: ['sales'] });
  await store.enqueueCall({ callId: 'c', queue: 'sales' });
  await store.updateCall('c', { queues: ['sales', 'support'] });
  t.match(await store.assignForCall('c'), { agentId: 'seller' });
});

t.test('ring-all offers every fitting available agent at once; nobody answering pauses nobody', async (t) => {
  const { store, clock } = await setup(t);
  await store.setQueueStrategy('vip', 'ring_all');
  for (const [agentId, level] of [['a', 5], ['b', 1], ['c', 7]] as const) {
    await store.agentLogin({ agentId, skills: { vip: level }, queues: ['vip'] });
    clock.now += S;
  }
  await store.enqueueCall({ callId: 'v1', queue: 'vip', skills: { vip: 3 } });
  const offer = await store.assignForCall('v1');
  t.match(offer, { callId: 'v1', agents: ['a', 'c'] });
  t.equal(offer?.events.length, 2);
  t.same(await store.availableAgents('vip'), ['b']);
  const back = await store.requeueAtFront('v1');
  t.same(back.events?.map((event) => [event.agentId, event.to, event.reason]), [['a', 'available', 'withdrawn'], ['c', 'available', 'withdrawn']]);
  t.same(await store.waitingCalls('vip'), ['v1']);

  // Rung again; c answers; a's leg is withdrawn.
  await store.assignForCall('v1');
  t.match(await store.agentAnswered('c'), { to: 'on_call', callId: 'v1' });
  t.match(await store.withdrawOffer('a', 'v1'), { from: 'offered', to: 'available' });
  t.equal(await store.withdrawOffer('a', 'v1'), null, 'a second withdraw is stale');
  t.equal(await store.getCall('v1'), null, 'the answered call has left the ACD');

  await store.enqueueCall({ callId: 'v2', queue: 'vip', skills: { vip: 3 } });
  t.match(await store.assignForCall('v2'), { agents: ['a'], ringAll: true });
  t.match(await store.requeueAtFront('v2'), { events: [{ agentId: 'a', to: 'available' }] }, 'one agent rung by a ring-all queue is not paused either');
  t.match(await store.assignForAgent('a'), { callId: 'v2', agents: ['a'], ringAll: true }, 'nor when the agent freeing up took the call');
  const removed = await store.removeCall('v2');
  t.match(removed, { state: 'offered', agents: ['a'] });
  t.match(await store.getAgent('a'), { status: 'available' }, 'the caller hanging up frees every rung agent');
});

t.test('an offer decided on one node for another node\'s caller goes to that node\'s inbox', async (t) => {
  const { store: nodeA, prefix, clock } = await setup(t, 'ringside-a');
  const redisB = createRedis(TEST_REDIS_URL, prefix);
  await redisB.connect();
  const inboxConnection = redisB.duplicate();
  t.teardown(() => {
    redisB.disconnect();
    inboxConnection.disconnect();
  });
  const nodeB = new AcdStore(redisB, { now: () => clock.now, node: 'ringside-b' });
  await nodeB.enqueueCall({ callId: 'b-caller', queue: 'q', enqueuedAt: 1 * S });
  await nodeA.enqueueCall({ callId: 'a-caller', queue: 'q', enqueuedAt: 2 * S });
  await nodeA.agentLogin({ agentId: 'ann', skills: {}, queues: ['q'] });

  t.match(await nodeA.assignForAgent('ann'), { callId: 'a-caller' }, 'node B is not alive: its caller waits for its standby');
  await nodeA.removeCall('a-caller');
  await nodeB.heartbeat(5000);
  const offer = await nodeA.assignForAgent('ann');
  t.match(offer, { callId: 'b-caller', agentId: 'ann', owner: 'ringside-b', remote: true });
  t.same(await nodeA.nextInboxOffer(inboxConnection, 1), null, 'nothing in node A\'s inbox');
  t.match(await nodeB.nextInboxOffer(inboxConnection, 1), { callId: 'b-caller', agentId: 'ann', owner: 'ringside-b', remote: true });
});

t.test('a call whose offer was never rung (its node died) goes back without blaming the agent', async (t) => {
  const { store } = await setup(t);
  await store.agentLogin({ agentId: 'ann', skills: {}, queues: ['q'] });
  await store.enqueueCall({ callId: 'c', queue: 'q' });
  await store.assignForAgent('ann');
  t.match(await store.requeueAtFront('c', { agentsToBlame: false }), { position: 1, events: [{ agentId: 'ann', to: 'available', reason: 'withdrawn' }] });
  t.match(await store.getAgent('ann'), { status: 'available' });
});

t.test('calls-today counts start again when the center\'s day changes, once', async (t) => {
  const { store } = await setup(t);
  await store.agentLogin({ agentId: 'ann', skills: {}, queues: ['q'] });
  t.equal(await store.resetCallsToday('2026-11-23'), true);
  await store.enqueueCall({ callId: 'c', queue: 'q' });
  await store.assignForAgent('ann');
  await store.agentAnswered('ann');
  t.equal((await store.getAgent('ann'))?.callsToday, 1);
  t.equal(await store.resetCallsToday('2026-11-23'), false, 'same day: nothing changes');
  t.equal((await store.getAgent('ann'))?.callsToday, 1);
  t.equal(await store.resetCallsToday('2026-11-24'), true);
  t.equal((await store.getAgent('ann'))?.callsToday, 0);
});

t.test('the center\'s date follows its time zone', async (t) => {
  const evening = new Date('2026-11-23T17:00:00Z');
  t.equal(centerDate('UTC', evening), '2026-11-23');
  t.equal(centerDate('Asia/Shanghai', evening), '2026-11-24', 'already past midnight in Shanghai');
  t.equal(centerDate('America/Los_Angeles', new Date('2026-11-24T07:30:00Z')), '2026-11-23');
});

t.test('an agent freed by the end of wrap-up or a pause is offered the next call in the same step', async (t) => {
  const { store, clock } = await setup(t);
  await store.agentLogin({ agentId: 'ann', skills: { q: 3 }, queues: ['q'] });
  await store.enqueueCall({ callId: 'first', queue: 'q', enqueuedAt: clock.now });
  await store.assignForAgent('ann');
  await store.agentAnswered('ann');
  await store.agentHungUp('ann', clock.now + 5 * S);
  await store.enqueueCall({ callId: 'needs-more', queue: 'q', skills: { q: 5 }, enqueuedAt: clock.now });
  await store.enqueueCall({ callId: 'next', queue: 'q', enqueuedAt: clock.now + 1 });
  const freed = await store.freeAgent('ann', 'end_wrap_up');
  t.match(freed, { event: { from: 'wrap_up', to: 'available' }, assignment: { callId: 'next', agentId: 'ann', event: { from: 'available', to: 'offered' } } });
  t.match(await store.getAgent('ann'), { status: 'offered', callId: 'next' });
  await t.rejects(store.freeAgent('ann', 'resume'), { code: 'illegal_transition' }, 'refused, and nothing changes');
  t.match(await store.getAgent('ann'), { status: 'offered', callId: 'next' });
  await store.removeCall('next');
  await store.agentPause('ann', 'lunch');
  t.match(await store.freeAgent('ann', 'resume'), { event: { from: 'paused', to: 'available' }, assignment: null }, 'free, and no call ann may take');
  t.same(await store.waitingCalls('q'), ['needs-more']);
});
