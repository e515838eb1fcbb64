import type { CallFacts, VariableValue } from './facts.js';
import { readField } from './facts.js';
import type { Comparison, Condition } from './schema.js';

const same = (a: VariableValue | string[] | undefined, b: VariableValue): boolean =>
  a !== undefined && !Array.isArray(a) && (a === b || String(a) === String(b));

/** Patterns come from the flow and rule files (a few dozen): compiled once, not on every call routed. */
const compiled = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let regexp = compiled.get(source);
  if (!regexp) {
    regexp = new RegExp(source);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(source, regexp);
  }
  return regexp;
}

function compare(comparison: Comparison, facts: CallFacts): boolean {
  const value = readField(facts, comparison.field);
  const numeric = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const checks: boolean[] = [];
  if (comparison.exists !== undefined) checks.push((value !== undefined && value !== '') === comparison.exists);
  if (comparison.equals !== undefined) checks.push(same(value, comparison.equals));
  if (comparison.notEquals !== undefined) checks.push(!same(value, comparison.notEquals));
  if (comparison.in !== undefined) checks.push(comparison.in.some((candidate) => same(value, candidate)));
  if (comparison.notIn !== undefined) checks.push(!comparison.notIn.some((candidate) => same(value, candidate)));
  if (comparison.gt !== undefined) checks.push(numeric > comparison.gt);
  if (comparison.gte !== undefined) checks.push(numeric >= comparison.gte);
  if (comparison.lt !== undefined) checks.push(numeric < comparison.lt);
  if (comparison.lte !== undefined) checks.push(numeric <= comparison.lte);
  if (comparison.matches !== undefined) checks.push(typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? pattern(comparison.matches).test(String(value)) : false);
  if (comparison.contains !== undefined) checks.push(Array.isArray(value) && value.includes(comparison.contains));
  // A comparison with no operator only asks that the field be truthy.
  if (checks.length === 0) return value !== undefined && value !== false && value !== '' && !(Array.isArray(value) && value.length === 0);
  return checks.every(Boolean);
}

/** Evaluates a branch condition against what the flow knows; unknown fields are simply absent. */
export function evaluate(condition: Condition, facts: CallFacts): boolean {
  if ('all' in condition) return condition.all.every((inner) => evaluate(inner, facts));
  if ('any' in condition) return condition.any.some((inner) => evaluate(inner, facts));
  if ('not' in condition) return !evaluate(condition.not, facts);
  return compare(condition, facts);
}
