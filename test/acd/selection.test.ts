import t, { type Test } from 'tap';
import { AcdStore } from '../../src/acd/acd-store.js';
import { createTestRedis } from '../helpers/redis.js';

const S = 1000;

async function setup(t: Test) {
  const { redis, prefix } = await createTestRedis(t);
  const clock = { now: 1_000_000 };
  const store = new AcdStore(redis, { now: () => clock.now });
  return { redis, prefix, clock, store };
}

/** Agents log in one second apart, so the first listed has been idle longest. */
async function login(store: AcdStore, clock: { now: number }, agents: [string, Record<string, number>, string[]][]) {
  for (const [agentId, skills, queues] of agents) {
    await store.agentLogin({ agentId, skills, queues });
    clock.now += S;
  }
}

t.test('a call goes to the longest-idle agent whose skills reach its minimum levels', async (t) => {
  const { store, clock } = await setup(t);
  await login(store, clock, [
    ['ann', { sales: 2 }, ['sales']],
    ['bob', { sales: 3, french: 1 }, ['sales']],
    ['cat', { sales: 5 }, ['sales']],
    ['dan', { sales: 9 }, ['support']],
  ]);
  await store.enqueueCall({ callId: 'c1', queue: 'sales', skills: { sales: 3 } });
  t.match(await store.assignForCall('c1'), { callId: 'c1', agentId: 'bob', event: { from: 'available', to: 'offered', callId: 'c1' } });
  t.equal(await store.assignForCall('c1'), null, 'an offered call is not offered again');
  t.same(await store.availableAgents('sales'), ['ann', 'cat'], 'the offered agent left the available set');

  await store.enqueueCall({ callId: 'c2', queue: 'sales', skills: { sales: 3, french: 1 } });
  t.equal(await store.assignForCall('c2'), null, 'nobody free fits: the call keeps waiting');
  t.same(await store.waitingCalls('sales'), ['c2']);
  t.equal(await store.assignForAgent('bob'), null, 'an agent is never offered two calls');
});

t.test('per-queue strategies', async (t) => {
  const { store, clock, redis } = await setup(t);
  await login(store, clock, [
    ['a1', { s: 1 }, ['q']],
    ['a2', { s: 4 }, ['q']],
    ['a3', { s: 2 }, ['q']],
  ]);
  // a1 has handled two calls today, a2 one, a3 none.
  for (const [agentId, count] of Object.entries({ a1: 2, a2: 1 })) await redis.hset(store.keys.agent(agentId), 'callsToday', count);

  let n = 0;
  async function pick(): Promise<string | undefined> {
    n += 1;
    await store.enqueueCall({ callId: `c${n}`, queue: 'q', skills: { s: 1 } });
    const got = await store.assignForCall(`c${n}`);
    if (got) await store.removeCall(got.callId); // caller abandons: the agent is available again
    return got?.agentId;
  }
  t.equal(await pick(), 'a1', 'longest_idle by default');
  await store.setQueueStrategy('q', 'fewest_calls');
  t.equal(await pick(), 'a3', 'fewest_calls');
  await store.setQueueStrategy('q', 'skill_level');
  t.equal(await pick(), 'a2', 'skill_level');
  await store.setQueueStrategy('q', 'round_robin');
  t.same([await pick(), await pick(), await pick(), await pick()], ['a1', 'a2', 'a3', 'a1'], 'round_robin remembers where it was');
});

t.test('a free agent gets the smallest virtual arrival across all their queues, among calls they can take', async (t) => {
  const { store, clock } = await setup(t);
  await store.enqueueCall({ callId: 'q1-late', queue: 'q1', enqueuedAt: 50 * S });
  await store.enqueueCall({ callId: 'q2-early-french', queue: 'q2', skills: { french: 2 }, enqueuedAt: 10 * S });
  await store.enqueueCall({ callId: 'q2-mid', queue: 'q2', enqueuedAt: 30 * S });
  await store.enqueueCall({ callId: 'q3-earliest', queue: 'q3', enqueuedAt: 1 * S });
  await login(store, clock, [['eve', { french: 1 }, ['q1', 'q2']]]);
  t.equal((await store.assignForAgent('eve'))?.callId, 'q2-mid', 'skips the call needing french 2 and the queue eve does not serve');
});

t.test('priority is a head start in seconds of virtual wait, so it never starves anyone', async (t) => {
  const { store, clock } = await setup(t);
  await store.enqueueCall({ callId: 'std', queue: 'q', enqueuedAt: 60 * S });
  await store.enqueueCall({ callId: 'vip-later', queue: 'q', priority: 30, enqueuedAt: 100 * S }); // virtual 70 s
  await store.enqueueCall({ callId: 'vip-soon', queue: 'q', priority: 30, enqueuedAt: 80 * S }); // virtual 50 s
  t.same(await store.waitingCalls('q'), ['vip-soon', 'std', 'vip-later']);
  // However many VIPs arrive more than 30 s after it, the standard call stays ahead of them.
  for (let i = 0; i < 20; i++) await store.enqueueCall({ callId: `vip-${i}`, queue: 'q', priority: 30, enqueuedAt: (101 + i) * S });
  await login(store, clock, [['a', {}, ['q']]]);
  const order = [];
  for (let i = 0; i < 3; i++) {
    const got = await store.assignForAgent('a');
    order.push(got?.callId);
    await store.removeCall(got!.callId);
  }
  t.same(order, ['vip-soon', 'std', 'vip-later']);
});

t.test('a missed offer goes back to its exact place and pauses the agent', async (t) => {
  const { store, clock } = await setup(t);
  for (const [i, id] of ['c1', 'c2', 'c3'].entries()) await store.enqueueCall({ callId: id, queue: 'q', enqueuedAt: (i + 1) * S });
  await login(store, clock, [['a', {}, ['q']]]);
  t.equal((await store.assignForAgent('a'))?.callId, 'c1');
  await store.enqueueCall({ callId: 'c0', queue: 'q', priority: 0, enqueuedAt: clock.now });
  const back = await store.requeueAtFront('c1');
  t.match(back, { queue: 'q', position: 1, event: { agentId: 'a', from: 'offered', to: 'paused', reason: 'missed', callId: 'c1' } });
  t.same(await store.waitingCalls('q'), ['c1', 'c2', 'c3', 'c0']);
  t.match(await store.getAgent('a'), { status: 'paused', reason: 'missed' });
  await t.rejects(store.requeueAtFront('c1'), { code: 'conflict' }, 'only an offered call can be requeued');
  await login(store, clock, [['b', {}, ['q']]]);
  t.equal((await store.assignForAgent('b'))?.callId, 'c1');
});

t.test('removing a call says where it was; an offered call frees its agent', async (t) => {
  const { store, clock } = await setup(t);
  await store.enqueueCall({ callId: 'c1', queue: 'q', enqueuedAt: clock.now });
  await store.enqueueCall({ callId: 'c2', queue: 'q', enqueuedAt: clock.now + 1 });
  clock.now += 12 * S;
  t.same(await store.removeCall('c2'), { state: 'waiting', queue: 'q', waitedMs: 12 * S - 1, position: 2 });
  await login(store, clock, [['a', {}, ['q']]]);
  await store.assignForAgent('a');
  t.match(await store.removeCall('c1'), { state: 'offered', agentId: 'a', event: { from: 'offered', to: 'available', callId: 'c1' } });
  t.match(await store.getAgent('a'), { status: 'available' });
  t.same(await store.availableAgents('q'), ['a']);
  t.equal(await store.removeCall('c1'), null, 'a second removal finds nothing');
  await t.rejects(store.enqueueCall({ callId: 'c3', queue: 'q' }).then(() => store.enqueueCall({ callId: 'c3', queue: 'q' })), {
    code: 'conflict',
  });
});

t.test('no key is left for calls once they are answered or removed', async (t) => {
  const { store, clock, redis, prefix } = await setup(t);
  await login(store, clock, [['a', {}, ['q']], ['b', {}, ['q']]]);
  for (let i = 0; i < 5; i++) await store.enqueueCall({ callId: `c${i}`, queue: 'q' });
  await store.assignForAgent('a');
  await store.assignForAgent('b');
  await store.requeueAtFront('c1'); // b missed
  await store.agentAnswered('a');
  await store.agentHungUp('a', clock.now + 5 * S);
  await store.agentEndWrapUp('a');
  for (const id of ['c1', 'c2', 'c3']) await store.removeCall(id);
  const got = await store.assignForAgent('a');
  t.equal(got?.callId, 'c4');
  await store.agentAction('a', 'miss');
  await store.agentAvailable('a');
  await store.removeCall('c4');
  const keys = await redis.keys(`${prefix}*`);
  t.same(
    keys.map((k) => k.slice(prefix.length)).sort(),
    ['{acd}:agent:a', '{acd}:agent:b', '{acd}:agents', '{acd}:offers', '{acd}:queue:q:available'],
    'only agents, the roster, the offer counter and the available set remain',
  );
});
