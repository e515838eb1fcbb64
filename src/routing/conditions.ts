import { evaluate as evaluateIvr } from '../ivr/conditions.js';
import type { CallFacts } from '../ivr/facts.js';
import { localTime } from '../ivr/hours.js';
import { readRoutingField, type RoutingFacts } from './facts.js';
import { ROUTING_FIELDS, type Comparison, type Condition, type TimeWindow } from './schema.js';

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Every part given must hold: date in `dates`, weekday in `days`, time of day in [from, to). */
export function inWindow(window: TimeWindow, now: Date): boolean {
  const local = localTime(now, window.timezone);
  if (window.dates && !window.dates.includes(local.date)) return false;
  if (window.days && !window.days.includes(local.day as never)) return false;
  if (window.from !== undefined && local.minutes < minutesOf(window.from)) return false;
  if (window.to !== undefined && local.minutes >= minutesOf(window.to)) return false;
  return true;
}

const isRoutingField = (field: string): boolean => (ROUTING_FIELDS as readonly string[]).includes(field);

/**
 * One comparison. IVR fields go straight to the IVR evaluator; a routing-only
 * field is handed to it as a variable, so every test (equals, in, gte, …)
 * means exactly what it means in a flow rather than being written twice.
 */
function compare(comparison: Comparison, facts: RoutingFacts): boolean {
  if (!isRoutingField(comparison.field)) return evaluateIvr(comparison, facts);
  const value = readRoutingField(facts, comparison.field);
  const carrier: CallFacts = { ...facts, vars: value === undefined ? {} : { value } };
  return evaluateIvr({ ...comparison, field: 'vars.value' }, carrier);
}

/** Evaluates a rule's `when` against the call's facts at `now` (for time windows). Structured data only; never eval. */
export function matches(condition: Condition, facts: RoutingFacts, now: Date): boolean {
  if ('all' in condition) return condition.all.every((inner) => matches(inner, facts, now));
  if ('any' in condition) return condition.any.some((inner) => matches(inner, facts, now));
  if ('not' in condition) return !matches(condition.not, facts, now);
  if ('time' in condition) return inWindow(condition.time, now);
  return compare(condition, facts);
}
