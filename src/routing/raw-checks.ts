import type { TSchema } from 'typebox';
import { joinPath } from '../ivr/flow-issues.js';
import { describeValue, schemaProblems, type SchemaProblem } from '../ivr/schema-messages.js';
import {
  AddQueueStep,
  CallbackStep,
  Comparison,
  ESCALATION_ACTIONS,
  OverflowStep,
  QUEUE_ACTIONS,
  QueueAction,
  QueueSchema,
  RelaxStep,
  ROUTING_FIELDS,
  Rule,
  STRATEGIES,
  TimeCondition,
  VoicemailStep,
} from './schema.js';

/*
 * Schema checks part by part: a union (actions, escalation steps, conditions)
 * checked whole reports every alternative's complaint. Here the discriminator
 * is read first and the part is checked against its own schema only.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const ESCALATION_SCHEMAS: Record<(typeof ESCALATION_ACTIONS)[number], TSchema> = {
  relax: RelaxStep,
  add_queue: AddQueueStep,
  overflow: OverflowStep,
  callback: CallbackStep,
  voicemail: VoicemailStep,
};

function discriminated(raw: unknown, path: string, known: readonly string[], schemaOf: (action: string) => TSchema | undefined, what: string): SchemaProblem[] {
  if (!isRecord(raw)) return [{ path, message: `${what} must be a mapping with an action, not ${describeValue(raw)}` }];
  if (raw.action === undefined) return [{ path, message: `missing required property "action"; known actions are ${known.join(', ')}` }];
  const schema = typeof raw.action === 'string' && known.includes(raw.action) ? schemaOf(raw.action) : undefined;
  if (!schema) return [{ path: joinPath(path, 'action'), message: `unknown action ${describeValue(raw.action)}; known actions are ${known.join(', ')}` }];
  return schemaProblems(schema, raw, path);
}

function queueActionSchema(action: string): TSchema | undefined {
  return QueueAction.anyOf.find((option) => (option.properties.action as { const?: unknown }).const === action);
}

const FIELD_NAMES = ['matched', 'match', 'callerIdKind', 'dialled', 'language', 'customer.tier', 'customer.language', 'customer.doNotCall', 'customer.lifetimeValue', 'customer.segment', 'vars.<name>', 'tags', ...ROUTING_FIELDS];

/** Says what is expected where a schema message would quote a regular expression or list a union's alternatives one by one. */
function reword(problems: SchemaProblem[], raw: Record<string, unknown>, path: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const problem of problems) {
    const relative = path === '' ? problem.path : problem.path.slice(path.length + 1);
    if (relative === 'field' && /does not match/.test(problem.message)) {
      out.push({ path: problem.path, message: `${describeValue(raw.field)} is not a field routing knows; fields are ${FIELD_NAMES.join(', ')}` });
    } else if (relative === 'strategy') {
      if (!out.some((seen) => seen.path === problem.path)) out.push({ path: problem.path, message: `must be one of ${STRATEGIES.join(', ')}; not ${describeValue(raw.strategy)}` });
    } else if (/^skills\.[^.]+$/.test(relative) && problem.message.startsWith('unknown property')) {
      out.push({ path: problem.path, message: `"${relative.slice(7)}" is not a skill name: lower-case letters, digits, _ : or - (at most 64)` });
    } else {
      out.push(problem);
    }
  }
  return out;
}

export function conditionProblems(raw: unknown, path: string, out: SchemaProblem[]): void {
  if (!isRecord(raw)) {
    out.push({ path, message: `a condition must be a mapping ({field: ..., equals: ...}, {time: {...}}, {all: [...]}, {any: [...]} or {not: ...}), not ${describeValue(raw)}` });
    return;
  }
  const combinator = (['all', 'any', 'not'] as const).find((key) => key in raw);
  if (combinator === undefined) {
    out.push(...reword(schemaProblems('time' in raw ? TimeCondition : Comparison, raw, path), raw, path));
    return;
  }
  const others = Object.keys(raw).filter((key) => key !== combinator);
  if (others.length > 0) out.push({ path, message: `${combinator} must stand alone in its condition; move ${others.join(', ')} into a condition of its own` });
  const inner = raw[combinator];
  if (combinator === 'not') conditionProblems(inner, joinPath(path, 'not'), out);
  else if (!Array.isArray(inner) || inner.length === 0) out.push({ path: joinPath(path, combinator), message: `${combinator} must be a list of at least one condition` });
  else inner.forEach((condition, index) => conditionProblems(condition, joinPath(path, combinator, index), out));
}

const QUEUE_ACTION_FIELDS = ['whenNoAgents', 'whenFull', 'whenMaxWait'] as const;

export function queueProblems(raw: unknown, path: string): SchemaProblem[] {
  if (!isRecord(raw)) return [{ path, message: `a queue must be a mapping with a name, not ${describeValue(raw)}` }];
  const problems = reword(schemaProblems(QueueSchema, raw, path), raw, path).filter((problem) => !QUEUE_ACTION_FIELDS.some((field) => problem.path === joinPath(path, field) || problem.path.startsWith(`${joinPath(path, field)}.`)));
  for (const field of QUEUE_ACTION_FIELDS) {
    if (raw[field] !== undefined) problems.push(...discriminated(raw[field], joinPath(path, field), QUEUE_ACTIONS, queueActionSchema, field));
  }
  return problems;
}

export function ruleProblems(raw: unknown, path: string): SchemaProblem[] {
  if (!isRecord(raw)) return [{ path, message: `a rule must be a mapping with a name and a queue, not ${describeValue(raw)}` }];
  const inside = (field: string) => (problem: SchemaProblem) => problem.path === joinPath(path, field) || problem.path.startsWith(`${joinPath(path, field)}.`);
  const problems = reword(schemaProblems(Rule, raw, path), raw, path).filter((problem) => !inside('when')(problem) && !(Array.isArray(raw.escalations) && inside('escalations')(problem)));
  if (raw.when !== undefined) conditionProblems(raw.when, joinPath(path, 'when'), problems);
  if (Array.isArray(raw.escalations)) {
    if (raw.escalations.length > 20) problems.push({ path: joinPath(path, 'escalations'), message: 'must list at most 20 items' });
    raw.escalations.forEach((step: unknown, index) => {
      problems.push(...discriminated(step, joinPath(path, 'escalations', index), ESCALATION_ACTIONS, (action) => ESCALATION_SCHEMAS[action as keyof typeof ESCALATION_SCHEMAS], 'an escalation step'));
    });
  }
  return problems;
}
