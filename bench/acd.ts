import { AcdStore } from '../src/acd/acd-store.js';
import type { Assignment } from '../src/acd/types.js';
import { createRedis, deleteKeysMatching } from '../src/redis/client.js';
import { round, summarise } from './stats.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const AGENTS = 1000;
const QUEUES = 200;
const QUEUES_PER_AGENT = 5;
const WAITING = 5000;
const ASSIGNMENTS = Number(process.env.BENCH_ACD_ASSIGNMENTS ?? 10_000);
/** Free agents processed at once per node: several Ringside event handlers in flight. */
const WORKERS = 16;

/** Deterministic pseudo-random numbers, so runs compare. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunResult {
  latencies: number[];
  perSecond: number;
  doubles: number;
}

/**
 * One run: 5,000 calls wait in 200 queues (each queue needs its own skill at level 1–3), 1,000 agents serve
 * 5 queues each with levels 2–5. Agents free up continuously: each freed agent asks for its next call
 * (assignForAgent, timed), finishes it at once and frees again; every assigned call is replaced by a new one.
 * Each run has its own queues and agents (`label`), so the second starts from the same picture as the first.
 */
async function run(nodes: AcdStore[], label: string): Promise<RunResult> {
  const random = mulberry32(42);
  const pick = (n: number) => Math.floor(random() * n);
  const [first] = nodes as [AcdStore];
  let callSeq = 0;
  const enqueue = () => {
    const queue = pick(QUEUES);
    return first.enqueueCall({ callId: `${label}-c${callSeq++}`, queue: `${label}-q${queue}`, skills: { [`s${queue}`]: 1 + pick(3) }, priority: random() < 0.2 ? 30 : 0 });
  };
  for (let i = 0; i < WAITING; i += 500) await Promise.all(Array.from({ length: 500 }, enqueue));
  const free: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const queues = Array.from({ length: QUEUES_PER_AGENT }, () => pick(QUEUES));
    const skills = Object.fromEntries(queues.map((q) => [`s${q}`, 2 + pick(4)]));
    const agentId = `${label}-a${i}`;
    await first.agentLogin({ agentId, skills, queues: queues.map((q) => `${label}-q${q}`) });
    free.push(agentId);
  }

  const latencies: number[] = [];
  const assignedCalls = new Set<string>();
  const busy = new Set<string>();
  let doubles = 0;
  let done = 0;
  const record = (a: Assignment) => {
    if (assignedCalls.has(a.callId) || busy.has(a.agentId)) doubles += 1;
    assignedCalls.add(a.callId);
    busy.add(a.agentId);
  };

  const started = performance.now();
  await Promise.all(
    nodes.flatMap((node) =>
      Array.from({ length: WORKERS }, async () => {
        while (done < ASSIGNMENTS) {
          const agentId = free.shift();
          if (agentId === undefined) return;
          const t0 = performance.now();
          const assignment = await node.assignForAgent(agentId);
          latencies.push(performance.now() - t0);
          if (assignment) {
            record(assignment);
            done += 1;
            await enqueue();
            await node.agentAnswered(agentId);
            await node.agentHungUp(agentId, Date.now());
            busy.delete(agentId);
            await node.agentEndWrapUp(agentId);
          }
          free.push(agentId);
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { latencies, perSecond: done / seconds, doubles };
}

export async function acdBenchmark(): Promise<Record<string, number>> {
  const prefix = `ringside-bench:acd:${Date.now().toString(36)}:`;
  const connections = [createRedis(REDIS_URL, prefix), createRedis(REDIS_URL, prefix)];
  try {
    await Promise.all(connections.map((c) => c.connect()));
    const [a, b] = connections.map((c) => new AcdStore(c)) as [AcdStore, AcdStore];
    const one = await run([a], 'one');
    const two = await run([a, b], 'two');
    const latency = summarise(one.latencies);
    const doubles = one.doubles + two.doubles;
    console.log(`ACD: ${AGENTS} agents, ${QUEUES} queues, ${WAITING} waiting calls, agents freeing continuously`);
    console.log(`assignForAgent round trip, the decision alone (no ARI yet) (${WORKERS} in flight): p50 ${latency.p50.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms   (target p99 ≤ 5 ms)`);
    console.log(`assignments/s: one node ${Math.round(one.perSecond)}, two nodes ${Math.round(two.perSecond)}   (target ≥ 2,000; one Redis: a second node adds no Redis capacity); double assignments: ${doubles}`);
    return {
      route_p50_ms: round(latency.p50),
      route_p99_ms: round(latency.p99),
      assign_per_s: Math.round(one.perSecond),
      assign_per_s_two_nodes: Math.round(two.perSecond),
      double_assignments: doubles,
    };
  } finally {
    await cleanup(prefix);
    for (const c of connections) c.disconnect();
  }
}

const cleanup = (prefix: string): Promise<void> => deleteKeysMatching(REDIS_URL, `${prefix}*`);
