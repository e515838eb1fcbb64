/**
 * Queueing theory for the erlang benchmark: Erlang C itself lives in src/stats (the wallboard's staffing
 * uses it); here, the waits of non-preemptive priority classes (Cobham's formula) and the ideal ACD replay.
 */
import { erlangC } from '../src/stats/erlang-c.js';

export { erlangB, erlangC, predictErlangC, type ErlangCLoad, type ErlangCPrediction } from '../src/stats/erlang-c.js';

/**
 * Mean waits of priority classes (highest first) sharing N agents, non-preemptive, every class with the same
 * exponential handle time (Cobham 1954): W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)), W0 = C(N, A)·h / N, σ_k the occupancy of
 * classes 1..k. Their arrival-weighted mean is the FCFS Erlang C ASA (the conservation law).
 */
export function priorityClassWaits(agents: number, handleSeconds: number, arrivalsPerSecond: readonly number[]): number[] {
  const traffic = arrivalsPerSecond.reduce((sum, rate) => sum + rate, 0) * handleSeconds;
  const w0 = (erlangC(agents, traffic) * handleSeconds) / agents;
  let sigma = 0;
  return arrivalsPerSecond.map((rate) => {
    const before = sigma;
    sigma += (rate * handleSeconds) / agents;
    return before < 1 && sigma < 1 ? w0 / ((1 - before) * (1 - sigma)) : Number.POSITIVE_INFINITY;
  });
}

export interface TraceCall {
  /** When the call joined the queue (any unit, the same for all). */
  arrival: number;
  /** How long it occupies the agent who takes it. */
  handle: number;
  /** Priority head start (virtual wait), 0 for none. */
  headStart?: number;
}

/**
 * The ideal ACD replayed on a trace: N identical agents, each freed agent at once takes the waiting call with the
 * smallest virtual arrival (arrival − head start; FCFS when there is none), no time lost anywhere. With the arrivals
 * and handle times a real run produced, it gives the waits a perfect ACD would have given those very calls, so the
 * sampling noise of one run cancels out of the comparison. Returns the waits in the order of `calls`.
 */
export function idealWaits(calls: readonly TraceCall[], agents: number): number[] {
  const order = calls.map((_, index) => index).sort((a, b) => calls[a]!.arrival - calls[b]!.arrival);
  const free = new Array<number>(agents).fill(Number.NEGATIVE_INFINITY);
  const waits = new Array<number>(calls.length).fill(0);
  const waiting: number[] = [];
  const virtual = (index: number) => calls[index]!.arrival - (calls[index]!.headStart ?? 0);
  let next = 0;
  for (let served = 0; served < calls.length; served++) {
    let agent = 0;
    for (let k = 1; k < agents; k++) if (free[k]! < free[agent]!) agent = k;
    // The agent free first takes a call when it is free and one is there (an idle agent waits for the next arrival).
    let now = free[agent]!;
    if (waiting.length === 0) now = Math.max(now, calls[order[next]!]!.arrival);
    while (next < order.length && calls[order[next]!]!.arrival <= now) waiting.push(order[next++]!);
    let pick = 0;
    for (let w = 1; w < waiting.length; w++) if (virtual(waiting[w]!) < virtual(waiting[pick]!)) pick = w;
    const [index] = waiting.splice(pick, 1) as [number];
    const start = Math.max(now, calls[index]!.arrival);
    waits[index] = start - calls[index]!.arrival;
    free[agent] = start + calls[index]!.handle;
  }
  return waits;
}
