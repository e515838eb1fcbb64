import type { CallerLookup, Customer } from '../customers/schemas.js';

export type VariableValue = string | number | boolean;

/** What a flow knows about its call at a given moment: the input to conditions and to routing. */
export interface CallFacts {
  dialled: string;
  language: string;
  callerIdKind: CallerLookup['callerIdKind'];
  match: CallerLookup['match'];
  customer: Customer | null;
  vars: Record<string, VariableValue>;
  tags: Set<string>;
}

/** Reads a condition field (`customer.tier`, `vars.account`, `matched`, …); undefined when it has no value. */
export function readField(facts: CallFacts, field: string): VariableValue | string[] | undefined {
  if (field.startsWith('vars.')) return facts.vars[field.slice(5)];
  if (field.startsWith('customer.')) {
    const customer = facts.customer;
    if (!customer) return undefined;
    switch (field) {
      case 'customer.tier':
        return customer.tier;
      case 'customer.language':
        return customer.preferredLanguage;
      case 'customer.doNotCall':
        return customer.doNotCall;
      case 'customer.lifetimeValue':
        return customer.lifetimeValue;
      case 'customer.segment':
        return customer.segment ?? undefined;
      default:
        return undefined;
    }
  }
  switch (field) {
    case 'matched':
      return facts.customer !== null;
    case 'match':
      return facts.match;
    case 'callerIdKind':
      return facts.callerIdKind;
    case 'dialled':
      return facts.dialled;
    case 'language':
      return facts.language;
    case 'tags':
      return [...facts.tags];
    default:
      return undefined;
  }
}
