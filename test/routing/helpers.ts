import type { Customer } from '../../src/customers/schemas.js';
import type { RoutingFacts } from '../../src/routing/facts.js';

/** An unknown English caller who came through no queue step; override what a case needs. */
export function facts(overrides: Partial<RoutingFacts> = {}, customer: Partial<Customer> | null = null): RoutingFacts {
  return {
    dialled: '800',
    language: 'en',
    callerIdKind: 'valid',
    match: customer ? 'one' : 'none',
    // A partial customer is enough: routing reads tier, doNotCall, language, lifetimeValue and segment only.
    customer: customer ? ({ tier: 'standard', doNotCall: false, preferredLanguage: 'en', lifetimeValue: 0, segment: null, ...customer } as Customer) : null,
    vars: {},
    tags: new Set(),
    openTickets: 0,
    callsLast24h: 0,
    lastCallAbandoned: false,
    ...overrides,
  };
}
