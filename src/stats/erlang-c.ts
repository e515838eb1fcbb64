/**
 * Erlang B and C (M/M/N, callers who never give up), the service level and average speed of answer they
 * predict, and the agents a queue needs for a service-level target (the wallboard's staffing figure).
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
 * The fewest agents for which Erlang C predicts at least `targetServiceLevel` (0–1) answered within the
 * threshold; 0 with no traffic. Capped at `maxAgents` (a queue beyond it needs a planner, not a number).
 */
export function agentsNeeded(load: Omit<ErlangCLoad, 'agents'>, targetServiceLevel: number, maxAgents = 10_000): number {
  const traffic = load.arrivalsPerSecond * load.handleSeconds;
  if (!(traffic > 0)) return 0;
  for (let agents = Math.max(1, Math.floor(traffic) + 1); agents <= maxAgents; agents++) {
    if (predictErlangC({ ...load, agents }).serviceLevel >= targetServiceLevel) return agents;
  }
  return maxAgents;
}
