import type { CallFacts, VariableValue } from '../ivr/facts.js';

/**
 * What routing knows about a call when it leaves the IVR: everything the IVR
 * learnt (CallFacts: dialled number, language, caller-ID kind, customer match,
 * the customer, variables, tags) plus what the CRM and call history add.
 * Whoever builds it (the ACD hand-off) reads the history once; route() is pure.
 */
export interface RoutingFacts extends CallFacts {
  /** The queue the IVR's `queue` step asked for (the caller's intent); absent when the call did not come through one. Field `queue`. */
  queue?: string | undefined;
  /** Open tickets of the matched customer; 0 for unknown callers. Field `openTickets`. */
  openTickets: number;
  /** Earlier calls from the same number (or customer) in the last 24 hours, this one excluded. Field `callsLast24h`. */
  callsLast24h: number;
  /** The caller's previous call, if any in the last 24 hours, was abandoned while waiting. Field `lastCallAbandoned`. */
  lastCallAbandoned: boolean;
}

/** Reads one of the routing-only fields; undefined for any other name. */
export function readRoutingField(facts: RoutingFacts, field: string): VariableValue | undefined {
  switch (field) {
    case 'queue':
      return facts.queue;
    case 'openTickets':
      return facts.openTickets;
    case 'callsLast24h':
      return facts.callsLast24h;
    case 'lastCallAbandoned':
      return facts.lastCallAbandoned;
    default:
      return undefined;
  }
}
