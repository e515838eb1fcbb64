/**
 * One run of the erlang benchmark: callers arrive as a Poisson process at one queue, each agent talks for an
 * exponential time once the ACD has bridged them, and every call's and agent's moments are read from the ACD's
 * published events.
 */
import { randomStream } from '../src/seed/random.js';
import { MAIN_NUMBER, VIP_NUMBER, type BenchEvent, type ErlangStack } from './erlang-stack.js';


const exponential = (random: () => number, mean: number): number => -Math.log(1 - random()) * mean;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export interface RunOptions {
  calls: number;
  arrivalsPerSecond: number;
  talkMeanSeconds: number;
  /** Share of callers who dial the VIP number. */
  vipShare: number;
  seed: number;
}

export interface CallRecord {
  callId: string;
  vip: boolean;
  priority: number;
  queuedAt: number;
  offeredAt?: number;
  answeredAt?: number;
  /** The ACD's own figure: queued → agent answered. */
  waitedMs?: number;
  /** How long the agent who took it was occupied: offered → available again, ms. */
  handleMs?: number;
  /** The first estimate announced (on entry), s. */
  estimateSeconds?: number;
  abandoned?: boolean;
}

export interface RunResult {
  /** In the order they were queued. */
  calls: CallRecord[];
  /** Per offer: the agent offered the call → available again (ringing, talk, hang-up, wrap-up, back in the ACD). */
  occupiedMs: number[];
  /** Per answered call: agent answered → agent hung up. */
  talkMs: number[];
  missed: number;
  /** Conversations Ringside lost track of, ended from the caller's side (see hangUpLater). */
  rescued: number;
  /** Agents not available once the run is over (should be none). */
  stuckAgents: number;
  placeFailures: number;
  hangupFailures: number;
  /** Seconds from the first call queued to the last. */
  arrivalSpanSeconds: number;
  elapsedSeconds: number;
  /** Calls placed but not answered when the run gave up. */
  unfinished: number;
}

/** Talk ends no earlier than this after the bridge exists: a hang-up in the same instant as the answer is no phone call. */
const MIN_TALK_AFTER_BRIDGE_MS = 50;
/** An agent still on_call this long after hanging up has been lost by Ringside (see hangUpLater). */
const RESCUE_AFTER_MS = 1000;

export async function runLoad(stack: ErlangStack, options: RunOptions): Promise<RunResult> {
  const { simulator, server, agents } = stack;
  // One stream per purpose and run, far apart (seeds 1 and 2 would share streams across runs).
  const arrivals = randomStream(options.seed * 1000);
  const dialling = randomStream(options.seed * 1000 + 1);
  const talks = randomStream(options.seed * 1000 + 2);
  const dialledVip = new Map<string, boolean>();
  const calls = new Map<string, CallRecord>();
  const busySince = new Map<string, number>();
  const busyWith = new Map<string, string>();
  const answeredAt = new Map<string, number>();
  /** Calls in conversation, and the call each agent is talking on. */
  const talking = new Set<string>();
  const callOf = new Map<string, string>();
  const result: RunResult = { calls: [], occupiedMs: [], talkMs: [], missed: 0, rescued: 0, stuckAgents: 0, placeFailures: 0, hangupFailures: 0, arrivalSpanSeconds: 0, elapsedSeconds: 0, unfinished: 0 };
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  /**
   * The agent hangs up `talkMs` after answering, and never before the bridge has stood for a moment. Should Ringside
   * still miss the agent's hang-up (it subscribes to it only once the bridge is built), the caller would sit alone in
   * the bridge and the agent stay on_call: the caller then hangs up after RESCUE_AFTER_MS, counted in `rescued`.
   */
  const hangUpLater = async (callId: string, endpoint: string, answered: number, talkMs: number) => {
    const deadline = Date.now() + 10_000;
    while (!simulator.control.callState(callId)?.bridgeId && Date.now() < deadline) await sleep(2);
    await sleep(Math.max(answered + talkMs, Date.now() + MIN_TALK_AFTER_BRIDGE_MS) - Date.now());
    await simulator.control.hangupEndpoint(endpoint).catch(() => {
      result.hangupFailures += 1;
    });
    const until = Date.now() + RESCUE_AFTER_MS;
    while (talking.has(callId) && Date.now() < until) await sleep(20);
    if (talking.has(callId)) {
      result.rescued += 1;
      await simulator.control.hangup(callId).catch(() => undefined);
    }
  };

  const onEvent = (event: BenchEvent) => {
    switch (event.type) {
      case 'call.queued': {
        const record: CallRecord = { callId: event.callId, vip: dialledVip.get(event.callId) ?? event.priority > 0, priority: event.priority, queuedAt: event.at };
        calls.set(event.callId, record);
        result.calls.push(record);
        return;
      }
      case 'call.estimate': {
        const record = calls.get(event.callId);
        if (record && record.estimateSeconds === undefined) record.estimateSeconds = event.estimateSeconds;
        return;
      }
      case 'call.offered': {
        const record = calls.get(event.callId);
        if (record && record.offeredAt === undefined) record.offeredAt = event.at;
        return;
      }
      case 'call.answered': {
        const record = calls.get(event.callId);
        if (record) Object.assign(record, { answeredAt: event.at, waitedMs: event.waitedMs });
        talking.add(event.callId);
        callOf.set(event.agentId, event.callId);
        const endpoint = agents.get(event.agentId);
        if (endpoint) track(hangUpLater(event.callId, endpoint, event.at, exponential(talks, options.talkMeanSeconds) * 1000));
        return;
      }
      case 'call.abandoned': {
        const record = calls.get(event.callId);
        if (record) record.abandoned = true;
        return;
      }
      case 'agent.state':
        if (event.to === 'offered') {
          busySince.set(event.agentId, event.at);
          busyWith.set(event.agentId, event.callId ?? '');
        }
        if (event.to === 'on_call') answeredAt.set(event.agentId, event.at);
        if (event.from === 'on_call') {
          result.talkMs.push(event.at - (answeredAt.get(event.agentId) ?? event.at));
          talking.delete(callOf.get(event.agentId) ?? '');
        }
        if (event.to === 'available' && busySince.has(event.agentId)) {
          const occupied = event.at - busySince.get(event.agentId)!;
          result.occupiedMs.push(occupied);
          const record = calls.get(busyWith.get(event.agentId) ?? '');
          if (record) record.handleMs = occupied;
          busySince.delete(event.agentId);
        }
        if (event.to === 'paused' && event.reason === 'missed') {
          // Never expected here (the phones always answer); put the agent back so the run goes on, and count it.
          result.missed += 1;
          track(resume(event.agentId));
        }
        return;
      default:
        return;
    }
  };
  const resume = async (agentId: string) => {
    const { store, dispatcher } = server.telephony.acd;
    dispatcher.agentChanged(await store.agentAvailable(agentId));
    await dispatcher.agentFree(agentId);
  };

  const unsubscribe = stack.onEvent(onEvent);
  const started = performance.now();
  try {
    // A Poisson process given its count: the arrival times are uniform over the run's length, so the rate offered
    // is exactly the one asked for (unconditioned, one seed's 2,000 arrivals could be a few % faster or slower).
    const lengthMs = (options.calls / options.arrivalsPerSecond) * 1000;
    const dues = Array.from({ length: options.calls }, () => arrivals() * lengthMs).sort((a, b) => a - b);
    for (let i = 0; i < options.calls; i++) {
      const vip = dialling() < options.vipShare;
      await sleep(started + dues[i]! - performance.now());
      const from = `+1650253${String(i % 10_000).padStart(4, '0')}`;
      track(
        simulator.control.placeCall({ from, to: vip ? VIP_NUMBER : MAIN_NUMBER }).then(
          ({ channelId }) => void dialledVip.set(channelId, vip),
          () => void (result.placeFailures += 1),
        ),
      );
    }
    // Everyone answered and every agent free again, or give up a minute after the last caller (the queue drains in seconds).
    const deadline = performance.now() + 60_000;
    const finished = () => {
      const answered = result.calls.filter((call) => call.answeredAt !== undefined || call.abandoned).length;
      return answered + result.placeFailures >= options.calls && busySince.size === 0 && pending.size === 0;
    };
    while (!finished() && performance.now() < deadline) await sleep(50);
  } finally {
    unsubscribe();
  }
  result.elapsedSeconds = (performance.now() - started) / 1000;
  for (const agentId of agents.keys()) if ((await server.telephony.acd.store.getAgent(agentId))?.status !== 'available') result.stuckAgents += 1;
  result.unfinished = options.calls - result.placeFailures - result.calls.filter((call) => call.answeredAt !== undefined || call.abandoned).length;
  const queuedTimes = result.calls.map((call) => call.queuedAt);
  result.arrivalSpanSeconds = queuedTimes.length > 1 ? (Math.max(...queuedTimes) - Math.min(...queuedTimes)) / 1000 : 0;
  return result;
}
