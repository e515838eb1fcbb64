/**
 * The `acd` benchmark (bench/README.md): first the ACD's decision alone (AcdStore.assignForAgent on Redis, one node
 * then two) at full scale, then the route end to end through a whole Ringside node on the PBX simulator
 * (acd-route.ts). One JSON line carries both.
 */
import { AcdStore } from '../src/acd/acd-store.js';
import type { Assignment } from '../src/acd/types.js';
import { createRedis, deleteKeysMatching } from '../src/redis/client.js';
import { E2E, routeBenchmark, type PhaseResult } from './acd-route.js';
import { randomStream } from '../src/seed/random.js';
import { round, summarise, type LatencySummary } from './stats.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const AGENTS = 1000;
const QUEUES = 200;
const QUEUES_PER_AGENT = 5;
const WAITING = 5000;
const ASSIGNMENTS = Number(process.env.BENCH_ACD_ASSIGNMENTS ?? 10_000);
/** Free agents processed at once per node: several Ringside event handlers in flight. */
const WORKERS = 16;

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
  const random = randomStream(42);
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

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 0);
const latency = (name: string, l: LatencySummary) => `${name} p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms`;

function printPhase(name: string, talkMs: number, phase: PhaseResult): void {
  console.log(`${name} (talk ${talkMs / 1000} s ± 50 %): ${Math.round(phase.perSecond)} assignments/s; ${phase.waitingAtEnd} callers waiting at the end; ${phase.problems} warnings logged`);
  console.log(`  ${latency('route (agent free → originate sent)', phase.route)}, max ${ms(phase.route.max)} ms (${phase.route.count} samples)   (target p99 ≤ 5 ms)`);
  console.log(`  ${latency('of which assignForAgent', phase.decision)}; ${latency("agent's phone hung up → originate", phase.fromHangup)}`);
  console.log(`  ${latency('originate answered by ARI after', phase.originateRtt)}; event-loop delay p99 ${ms(phase.loopDelay.p99)} ms, max ${ms(phase.loopDelay.max)} ms; ${phase.unmarked} offers not from a freed agent`);
}

export async function acdBenchmark(): Promise<Record<string, number>> {
  const decision = await decisionBenchmark();
  const e2e = await routeBenchmark();
  const { busy, steady } = e2e;
  console.log(`end to end: ${E2E.agents} agents, ${E2E.queues} queues, ${E2E.waiting} callers kept waiting in the simulator, wrap-up 0, one node (setup ${e2e.setupSeconds.toFixed(0)} s)`);
  printPhase('steady', E2E.talkMs, steady);
  printPhase('busy', E2E.busyTalkMs, busy);
  console.log(`double assignments end to end: ${e2e.doubleAgent} agents rung while on a call, ${e2e.doubleCaller} callers rung twice; ${e2e.legFailures} agent legs failed; ${e2e.stranded} agents left on a call without one; peak ${e2e.peakChannels} channels`);
  for (const [kind, count] of e2e.problemKinds) console.log(`  logged ${count}×: ${kind}`);
  return {
    route_p50_ms: round(steady.route.p50),
    route_p99_ms: round(steady.route.p99),
    route_from_hangup_p50_ms: round(steady.fromHangup.p50),
    route_from_hangup_p99_ms: round(steady.fromHangup.p99),
    route_samples: steady.route.count,
    assign_per_s_steady: Math.round(steady.perSecond),
    route_busy_p50_ms: round(busy.route.p50),
    route_busy_p99_ms: round(busy.route.p99),
    assign_per_s_end_to_end: Math.round(busy.perSecond),
    decision_p50_ms: decision.decision_p50_ms!,
    decision_p99_ms: decision.decision_p99_ms!,
    assign_per_s: decision.assign_per_s!,
    assign_per_s_two_nodes: decision.assign_per_s_two_nodes!,
    double_assignments: decision.double_assignments! + e2e.doubleAgent + e2e.doubleCaller,
    e2e_agents: E2E.agents,
    e2e_queues: E2E.queues,
    e2e_waiting: E2E.waiting,
  };
}

/** The decision alone: assignForAgent on Redis, one node then two, at full scale. */
async function decisionBenchmark(): Promise<Record<string, number>> {
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
    console.log(`assignForAgent round trip, the decision alone (${WORKERS} in flight): p50 ${latency.p50.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms   (target p99 ≤ 5 ms)`);
    console.log(`assignments/s: one node ${Math.round(one.perSecond)}, two nodes ${Math.round(two.perSecond)}   (target ≥ 2,000; one Redis: a second node adds no Redis capacity); double assignments: ${doubles}`);
    return {
      decision_p50_ms: round(latency.p50),
      decision_p99_ms: round(latency.p99),
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
