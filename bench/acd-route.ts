/**
 * The `acd` benchmark end to end: one Ringside node (startServer) on the PBX simulator, agents whose phones answer
 * and hang up on their own, thousands of callers waiting on music on hold. The route latency runs from the moment
 * an agent becomes free (their wrap-up ends: `freeAgent` called, which also decides their next call) to the moment Ringside calls ARI's originate
 * for that agent's phone. It is taken by timing wrappers that call through (nothing is mocked).
 *
 * Agents' phones answer at once; the bench hangs an agent up a random talk time after Ringside bridged them with the
 * caller (the simulator's own `hangupAfterMs` counts from the answer, and under load that can come before the bridge).
 *
 * Two phases on the same stack: `steady` first (longer calls, a load the node carries, every caller taken replaced by
 * a new one through the IVR: the route latency is read there), then `busy` (every agent hangs up at once, then short
 * calls: more agents free up than the node can serve, no new callers: the node's capacity end to end).
 */
import { randomStream } from '../src/seed/random.js';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Assignment } from '../src/acd/types.js';
import type { OriginateRequest } from '../src/calls/telephony.js';
import { startRouteStack, dialled, queueName, type BenchAgent } from './acd-route-stack.js';
import { summarise, type LatencySummary } from './stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const E2E = {
  agents: env('BENCH_ACD_E2E_AGENTS', 1000),
  queues: env('BENCH_ACD_E2E_QUEUES', 200),
  waiting: env('BENCH_ACD_E2E_WAITING', 5000),
  /** Phones answer after RING_MS; agents talk TALK_MS ± 50 % from the bridge on (wrap-up 0). */
  ringMs: env('BENCH_ACD_RING_MS', 100),
  talkMs: env('BENCH_ACD_TALK_MS', 30000),
  warmupSeconds: env('BENCH_ACD_WARMUP_S', 20),
  measureSeconds: env('BENCH_ACD_MEASURE_S', 30),
  busyTalkMs: env('BENCH_ACD_BUSY_TALK_MS', 2000),
  busyWarmupSeconds: env('BENCH_ACD_BUSY_WARMUP_S', 2),
  busySeconds: env('BENCH_ACD_BUSY_S', 8),
};
const QUEUES_PER_AGENT = 5;
const PRIORITY = 30;
/** Callers at most between the simulator and the queues (IVR, routing) at once, as a trunk would pace them. */
const FEED_AHEAD = 200;


export interface PhaseResult {
  /** Agent free (wrap-up ends) → originate sent for their phone. */
  route: LatencySummary;
  /** The agent's previous call ending (their phone's hang-up reaching Ringside) → originate sent. */
  fromHangup: LatencySummary;
  /** assignForAgent's round trip inside `route`. */
  decision: LatencySummary;
  /** originate called → ARI's answer. */
  originateRtt: LatencySummary;
  /** Event-loop delay of this process (ms). */
  loopDelay: { p99: number; max: number };
  perSecond: number;
  /** Originates not preceded by a wrap-up ending (a new caller found an agent already free, or the safety sweep). */
  unmarked: number;
  waitingAtEnd: number;
  /** Warnings and errors Ringside logged during the phase. */
  problems: number;
}

export interface RouteResult {
  busy: PhaseResult;
  steady: PhaseResult;
  doubleAgent: number;
  doubleCaller: number;
  legFailures: number;
  peakChannels: number;
  /** The most frequent warnings and errors over the whole run, with their counts. */
  problemKinds: Array<[string, number]>;
  /** Agents offered or on a call in Redis while their phone has no call, once the node has caught up at the end. */
  stranded: number;
  setupSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BENCH_ACD_PROFILE=file.cpuprofile: a CPU profile of this process (the Ringside node) over the steady window. */
async function startProfile(): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.BENCH_ACD_PROFILE;
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

export async function routeBenchmark(): Promise<RouteResult> {
  const setupStarted = performance.now();
  const random = randomStream(7);
  const pick = (n: number) => Math.floor(random() * n);
  const agents: BenchAgent[] = Array.from({ length: E2E.agents }, (_, i) => {
    const queues = Array.from({ length: QUEUES_PER_AGENT }, () => pick(E2E.queues));
    return { skills: Object.fromEntries(queues.map((q) => [queueName(q), 2 + pick(4)])), endpoint: `PJSIP/${10000 + i}`, phone: { behaviour: 'answer', answerAfterMs: E2E.ringMs } };
  });
  let callSeq = 0;
  const newCall = () => {
    const q = pick(E2E.queues);
    return { from: `+1415555${String(callSeq++ % 10000).padStart(4, '0')}`, to: dialled(q, 1 + pick(3), random() < 0.2) };
  };
  const stack = await startRouteStack({ agents, queues: E2E.queues, priority: PRIORITY });
  try {
    const { telephony, acd } = stack.server.telephony;
    const { store } = acd;
    const agentOf = new Map(acd.agents().map((agent) => [agent.endpoint, agent.agentId]));
    if (agentOf.size !== E2E.agents) throw new Error(`Ringside knows ${agentOf.size} agents with a phone, not ${E2E.agents}`);

    let measuring = false;
    let samples = { route: [] as number[], fromHangup: [] as number[], decision: [] as number[], originateRtt: [] as number[], originates: 0, unmarked: 0 };
    const freeAt = new Map<string, number>();
    const hungUpAt = new Map<string, number>();
    const decidedForFree = new Set<string>();
    const liveLeg = new Map<string, string>(); // agent → their phone's leg
    const legOf = new Map<string, { agentId: string; caller: string; answered: boolean }>();
    /** Callers with an agent's phone ringing or answered; a missed offer (leg failed) puts the caller back. */
    const callerTaken = new Set<string>();
    const counts = { doubleAgent: 0, doubleCaller: 0, legFailures: 0, enqueued: 0, taken: 0 };

    // Timing wrappers: each notes a moment and calls the real method.
    const endWrapUp = store.agentEndWrapUp.bind(store);
    store.agentEndWrapUp = (agentId) => {
      freeAt.set(agentId, performance.now());
      return endWrapUp(agentId);
    };
    // The wrap-up's end and the next offer are one script (freeAgent): the route starts when it is called.
    const freeAgent = store.freeAgent.bind(store);
    store.freeAgent = async (agentId, action) => {
      const started = performance.now();
      freeAt.set(agentId, started);
      const result = await freeAgent(agentId, action);
      if (result.assignment) {
        decidedForFree.add(agentId);
        if (measuring) samples.decision.push(performance.now() - started);
      } else freeAt.delete(agentId);
      return result;
    };
    const assignForAgent = store.assignForAgent.bind(store);
    store.assignForAgent = async (agentId): Promise<Assignment | null> => {
      const started = performance.now();
      const assignment = await assignForAgent(agentId);
      const free = freeAt.get(agentId);
      if (free !== undefined && free <= started) {
        if (assignment) {
          decidedForFree.add(agentId);
          if (measuring) samples.decision.push(performance.now() - started);
        } else freeAt.delete(agentId); // free, but no waiting call they may take: no routing decision
      }
      return assignment;
    };
    const enqueueCall = store.enqueueCall.bind(store);
    store.enqueueCall = async (call) => {
      const result = await enqueueCall(call);
      counts.enqueued += 1;
      return result;
    };
    const originate = telephony.originate.bind(telephony);
    telephony.originate = async (request: OriginateRequest) => {
      const sent = performance.now();
      const agentId = agentOf.get(request.endpoint) ?? request.endpoint;
      const caller = request.appArgs[1] ?? '';
      const free = freeAt.get(agentId);
      const hungUp = hungUpAt.get(agentId);
      if (measuring) {
        samples.originates += 1;
        if (free !== undefined && decidedForFree.has(agentId)) {
          samples.route.push(sent - free);
          if (hungUp !== undefined) samples.fromHangup.push(sent - hungUp);
        } else samples.unmarked += 1;
      }
      freeAt.delete(agentId);
      hungUpAt.delete(agentId);
      decidedForFree.delete(agentId);
      if (liveLeg.has(agentId)) counts.doubleAgent += 1;
      if (callerTaken.has(caller)) counts.doubleCaller += 1;
      callerTaken.add(caller);
      if (request.channelId) {
        liveLeg.set(agentId, request.channelId);
        legOf.set(request.channelId, { agentId, caller, answered: false });
      }
      counts.taken += 1;
      const answer = await originate(request);
      if (measuring) samples.originateRtt.push(performance.now() - sent);
      return answer;
    };
    // Agents hang up `talk` ± 50 % after being bridged with their caller.
    let talkMs = E2E.talkMs;
    const talking = new Map<string, NodeJS.Timeout>(); // agent leg → its hang-up
    const endpointOf = new Map([...agentOf].map(([endpoint, agentId]) => [agentId, endpoint]));
    const hangUp = (legs: string[]) => {
      const endpoints = legs.flatMap((legId) => {
        clearTimeout(talking.get(legId));
        talking.delete(legId);
        const endpoint = endpointOf.get(legOf.get(legId)?.agentId ?? '');
        return endpoint ? [endpoint] : [];
      });
      void stack.hangUp(endpoints).catch((error: unknown) => console.error('acd bench: hanging up agents:', error));
    };
    const addToBridge = telephony.addToBridge.bind(telephony);
    telephony.addToBridge = async (bridgeId, channelIds) => {
      await addToBridge(bridgeId, channelIds);
      if (talkMs === Infinity) return;
      for (const legId of channelIds.filter((id) => legOf.has(id))) talking.set(legId, setTimeout(() => hangUp([legId]), talkMs * (0.5 + random())));
    };
    telephony.onEvent((event) => {
      const leg = event.type === 'leg.answered' || event.type === 'hung-up' || event.type === 'leg.failed' ? legOf.get(event.channelId) : undefined;
      if (leg === undefined) return;
      if (event.type === 'leg.answered') {
        leg.answered = true;
        return;
      }
      legOf.delete(event.channelId);
      clearTimeout(talking.get(event.channelId));
      talking.delete(event.channelId);
      // A leg that ends unanswered is a missed offer: its caller goes back to their place and may be rung again.
      if (!leg.answered) callerTaken.delete(leg.caller);
      if (liveLeg.get(leg.agentId) === event.channelId) liveLeg.delete(leg.agentId);
      if (event.type === 'leg.failed') counts.legFailures += 1;
      else hungUpAt.set(leg.agentId, performance.now());
    });

    // The feeder keeps `waiting` callers in the queues: every caller an agent takes is replaced by a new one.
    let placed = 0;
    let feeding = true;
    let paused = false;
    let feedError: Error | undefined;
    const feeder = (async () => {
      while (feeding) {
        const room = paused ? 0 : Math.min(E2E.waiting + counts.taken - placed, FEED_AHEAD - (placed - counts.enqueued), 100);
        if (room <= 0) {
          await sleep(20);
          continue;
        }
        placed += room;
        const result = await stack.place(Array.from({ length: room }, newCall));
        if (result.failed > 0) throw new Error(`the simulator refused ${result.failed} calls`);
      }
    })().catch((error: unknown) => {
      feedError = error instanceof Error ? error : new Error(String(error));
    });
    let peakChannels = 0;
    const sampler = setInterval(() => void stack.pbxStats().then((stats) => (peakChannels = Math.max(peakChannels, stats.channels)), () => undefined), 250);
    const waitingNow = async () => {
      let waiting = 0;
      for (let q = 0; q < E2E.queues; q++) waiting += (await store.waitingCalls(queueName(q))).length;
      return waiting;
    };
    const phase = async (warmupSeconds: number, seconds: number, profile = false): Promise<PhaseResult> => {
      await sleep(warmupSeconds * 1000);
      if (feedError) throw feedError;
      samples = { route: [], fromHangup: [], decision: [], originateRtt: [], originates: 0, unmarked: 0 };
      const problemsBefore = stack.problems();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const stopProfile = profile ? await startProfile() : undefined;
      loop.enable();
      measuring = true;
      const started = performance.now();
      await sleep(seconds * 1000);
      measuring = false;
      const elapsed = (performance.now() - started) / 1000;
      loop.disable();
      await stopProfile?.();
      return {
        route: summarise(samples.route),
        fromHangup: summarise(samples.fromHangup),
        decision: summarise(samples.decision),
        originateRtt: summarise(samples.originateRtt),
        loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        perSecond: samples.originates / elapsed,
        unmarked: samples.unmarked,
        waitingAtEnd: await waitingNow(),
        problems: stack.problems() - problemsBefore,
      };
    };
    try {
      console.log(`ACD end to end: placing ${E2E.waiting} callers…`);
      for (const deadline = Date.now() + 180_000; counts.enqueued < E2E.waiting; await sleep(100)) {
        if (feedError) throw feedError;
        if (Date.now() > deadline) throw new Error(`only ${counts.enqueued} of ${E2E.waiting} callers reached the queues`);
      }
      console.log(`${counts.enqueued} callers waiting after ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; logging in ${E2E.agents} agents…`);
      const ids = [...agentOf.values()];
      for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((agentId) => acd.login(agentId)));
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      console.log(`agents in after ${setupSeconds.toFixed(1)} s; steady phase (talk ${E2E.talkMs} ms ± 50 %): ${E2E.warmupSeconds} s warm-up, ${E2E.measureSeconds} s measured…`);
      const steady = await phase(E2E.warmupSeconds, E2E.measureSeconds, true);
      paused = true;
      talkMs = E2E.busyTalkMs;
      hangUp([...talking.keys()]);
      console.log(`busy phase (every agent on a call hangs up, then talk ${E2E.busyTalkMs} ms ± 50 %, no new callers): ${E2E.busyWarmupSeconds} s warm-up, ${E2E.busySeconds} s measured…`);
      const busy = await phase(E2E.busyWarmupSeconds, E2E.busySeconds);
      // Calls now last for ever: once the node has caught up, every agent on a call in Redis has a live phone call.
      talkMs = Infinity;
      for (const timer of talking.values()) clearTimeout(timer);
      talking.clear();
      await sleep(5000);
      const roster = await store.roster();
      const stranded = roster.filter((agent) => (agent.status === 'on_call' || agent.status === 'offered') && !liveLeg.has(agent.agentId)).length;
      return {
        busy,
        steady,
        doubleAgent: counts.doubleAgent,
        doubleCaller: counts.doubleCaller,
        legFailures: counts.legFailures,
        peakChannels,
        problemKinds: [...stack.problemKinds()].sort((a, b) => b[1] - a[1]).slice(0, 5),
        stranded,
        setupSeconds,
      };
    } finally {
      feeding = false;
      clearInterval(sampler);
      for (const timer of talking.values()) clearTimeout(timer);
      await feeder;
    }
  } finally {
    await stack.close();
  }
}
