/**
 * Queueing theory for the erlang benchmark: Erlang B and C (M/M/N, callers who never give up), the service level
 * and average speed of answer they predict, and the waits of non-preemptive priority classes (Cobham's formula).
 *
 * Computed by the Erlang B recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), then C from B: no factorials or
 * powers, so it stays exact for hundreds of agents and thousands of Erlangs (the textbook sum overflows there).
 */

function check(agents: number, traffic: number): void {
  if (!Number.isInteger(agents) || agents < 1) throw new RangeError(`agents must be a positive integer, not ${agents}`);
  if (!Number.isFinite(traffic) || traffic < 0) throw new RangeError(`traffic must be a finite number of Erlangs >= 0, not ${traffic}`);
}

/** Probability that a call finds all `agents` busy and is lost (M/M/N/N), for `traffic` Erlangs offered. */
export function erlangB(agents: number, traffic: number): number {
  check(agents, traffic);
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Probability that a call has to wait (M/M/N, infinite patience); 1 when the load reaches the agents (no steady state). */
export function erlangC(agents: number, traffic: number): number {
  check(agents, traffic);
  if (traffic >= agents) return 1;
  const b = erlangB(agents, traffic);
  return (agents * b) / (agents - traffic * (1 - b));
}

export interface ErlangCLoad {
  agents: number;
  arrivalsPerSecond: number;
  /** Mean time an agent is occupied by one call (the whole time, not only the talk). */
  handleSeconds: number;
  /** Service-level threshold: answered within this many seconds counts as in service level. */
  thresholdSeconds: number;
}

export interface ErlangCPrediction {
  /** Offered load A = λ·h, in Erlangs. */
  traffic: number;
  /** A / N. */
  occupancy: number;
  probabilityOfWait: number;
  /** Average speed of answer over all calls (those that do not wait count as 0). */
  asaSeconds: number;
  /** Share of calls whose wait is at most the threshold. */
  serviceLevel: number;
}

/** What Erlang C predicts for one queue; ASA and service level are infinite / 0 when the load reaches the agents. */
export function predictErlangC({ agents, arrivalsPerSecond, handleSeconds, thresholdSeconds }: ErlangCLoad): ErlangCPrediction {
  const traffic = arrivalsPerSecond * handleSeconds;
  const probabilityOfWait = erlangC(agents, traffic);
  const stable = traffic < agents;
  return {
    traffic,
    occupancy: traffic / agents,
    probabilityOfWait,
    asaSeconds: stable ? (probabilityOfWait * handleSeconds) / (agents - traffic) : Number.POSITIVE_INFINITY,
    serviceLevel: stable ? 1 - probabilityOfWait * Math.exp((-(agents - traffic) * thresholdSeconds) / handleSeconds) : 0,
  };
}

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
