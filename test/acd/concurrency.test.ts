import t, { type Test } from 'tap';
import { AcdStore } from '../../src/acd/acd-store.js';
import type { Assignment } from '../../src/acd/types.js';
import { createRedis } from '../../src/redis/client.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { createTestRedis } from '../helpers/redis.js';

const QUEUES = ['q0', 'q1', 'q2', 'q3', 'q4'];

/** Two ioredis connections on the same keys: two Ringside nodes sharing one Redis. */
async function twoNodes(t: Test): Promise<[AcdStore, AcdStore]> {
  const { redis, prefix } = await createTestRedis(t);
  const other = createRedis(TEST_REDIS_URL, prefix);
  await other.connect();
  t.teardown(() => other.disconnect());
  return [new AcdStore(redis), new AcdStore(other)];
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

t.test('two nodes racing assignForCall and assignForAgent never assign twice', async (t) => {
  const [a, b] = await twoNodes(t);
  const agents = Array.from({ length: 300 }, (_, i) => `agent-${i}`);
  const calls = Array.from({ length: 300 }, (_, i) => `call-${i}`);
  await Promise.all(agents.map((agentId) => a.agentLogin({ agentId, skills: { x: 3 }, queues: QUEUES })));
  await Promise.all(
    calls.map((callId, i) => b.enqueueCall({ callId, queue: QUEUES[i % QUEUES.length]!, skills: i % 2 ? { x: 2 } : {} })),
  );

  // Both nodes try every call and every agent, in different orders, all at once.
  const attempts = [a, b].flatMap((node) => [
    ...shuffled(calls).map((callId) => node.assignForCall(callId)),
    ...shuffled(agents).map((agentId) => node.assignForAgent(agentId)),
  ]);
  const assignments = (await Promise.all(attempts)).filter((x): x is Assignment => x !== null);

  t.equal(new Set(assignments.map((x) => x.callId)).size, assignments.length, 'no call given to two agents');
  t.equal(new Set(assignments.map((x) => x.agentId)).size, assignments.length, 'no agent given two calls');
  t.equal(assignments.length, calls.length, 'every call assigned exactly once');
  for (const queue of QUEUES) t.same(await a.waitingCalls(queue), [], `${queue} is empty`);
});

t.test('agents freeing continuously on two nodes while calls keep arriving', async (t) => {
  const [a, b] = await twoNodes(t);
  const nodes = [a, b];
  const agents = Array.from({ length: 100 }, (_, i) => `agent-${i}`);
  const CALLS = 1000;
  const busy = new Set<string>();
  const assigned = new Map<string, string>();
  let doubles = 0;

  const record = (x: Assignment | null): x is Assignment => {
    if (!x) return false;
    if (assigned.has(x.callId) || busy.has(x.agentId)) doubles += 1;
    assigned.set(x.callId, x.agentId);
    busy.add(x.agentId);
    return true;
  };

  // The node that got an assignment runs the call to its end, then looks for the agent's next call.
  const work = async (node: AcdStore, first: Assignment): Promise<void> => {
    let current: Assignment | null = first;
    while (current) {
      const { agentId } = current;
      await node.agentAnswered(agentId);
      await node.agentHungUp(agentId, Date.now());
      busy.delete(agentId);
      await node.agentEndWrapUp(agentId);
      const next = await node.assignForAgent(agentId);
      current = record(next) ? next : null;
    }
  };

  const workers: Promise<void>[] = [];
  await Promise.all(agents.map((agentId, i) => nodes[i % 2]!.agentLogin({ agentId, skills: {}, queues: QUEUES })));
  for (let batch = 0; batch < CALLS / 50; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, j) => {
        const n = batch * 50 + j;
        const node = nodes[n % 2]!;
        await node.enqueueCall({ callId: `call-${n}`, queue: QUEUES[n % QUEUES.length]!, priority: n % 7 === 0 ? 20 : 0 });
        const got = await node.assignForCall(`call-${n}`);
        if (record(got)) workers.push(work(node, got));
      }),
    );
  }
  for (let i = 0; i < workers.length; i++) await workers[i];

  t.equal(doubles, 0, 'no double assignment');
  t.equal(assigned.size, CALLS, 'every call assigned exactly once');
  for (const queue of QUEUES) t.same(await a.waitingCalls(queue), [], `${queue} is empty`);
  t.same((await a.availableAgents('q0')).length, agents.length, 'every agent is available again');
});
