import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { LineCounter, isPair, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import { dotted, joinPath, type FlowIssue } from './flow-issues.js';
import { noInputCycles, reachableFrom, stepEdges, takesInput } from './flow-graph.js';
import {
  BranchStep,
  CollectStep,
  Comparison,
  Flow,
  HangupStep,
  HoursStep,
  LookupStep,
  MenuStep,
  PlayStep,
  QueueStep,
  SetStep,
  STEP_KINDS,
  TransferStep,
  VoicemailStep,
  type Condition,
  type StepKind,
} from './schema.js';
import { describeValue, schemaProblems, type SchemaProblem } from './schema-messages.js';
import { stepProblems } from './semantic-checks.js';

export type { FlowIssue } from './flow-issues.js';

export interface FlowValidation {
  /** The flow, only when there are no errors (warnings allowed). */
  flow: Flow | null;
  errors: FlowIssue[];
  warnings: FlowIssue[];
}

const STEP_SCHEMAS: Record<StepKind, TSchema> = {
  play: PlayStep,
  menu: MenuStep,
  collect: CollectStep,
  lookup: LookupStep,
  branch: BranchStep,
  hours: HoursStep,
  set: SetStep,
  queue: QueueStep,
  voicemail: VoicemailStep,
  transfer: TransferStep,
  hangup: HangupStep,
};

/** The flow with its steps left open, so each step is checked against its own type's schema (a union's errors are noise). */
const FlowShell = Type.Object({ ...Flow.properties, steps: Type.Record(Type.String(), Type.Unknown(), { minProperties: 1 }) }, { additionalProperties: false });

const STEP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStepKind(value: unknown): value is StepKind {
  return typeof value === 'string' && (STEP_KINDS as readonly string[]).includes(value);
}

/** A condition tree checked node by node: the schema's recursive union would report every alternative. */
function rawConditionProblems(raw: unknown, path: string, out: SchemaProblem[]): void {
  if (!isRecord(raw)) {
    out.push({ path, message: `a condition must be a mapping ({field: ..., equals: ...}, {all: [...]}, {any: [...]} or {not: ...}), not ${describeValue(raw)}` });
    return;
  }
  const combinator = (['all', 'any', 'not'] as const).find((key) => key in raw);
  if (combinator === undefined) {
    out.push(...schemaProblems(Comparison, raw, path));
    return;
  }
  const others = Object.keys(raw).filter((key) => key !== combinator);
  if (others.length > 0) out.push({ path, message: `${combinator} must stand alone in its condition; move ${others.join(', ')} into a condition of its own` });
  const inner = raw[combinator];
  if (combinator === 'not') {
    rawConditionProblems(inner, joinPath(path, 'not'), out);
  } else if (!Array.isArray(inner) || inner.length === 0) {
    out.push({ path: joinPath(path, combinator), message: `${combinator} must be a list of at least one condition` });
  } else {
    inner.forEach((condition, index) => rawConditionProblems(condition, joinPath(path, combinator, index), out));
  }
}

/** Schema findings for one step, relative to the step. */
function rawStepProblems(raw: unknown): SchemaProblem[] {
  if (!isRecord(raw)) return [{ path: '', message: `a step must be a mapping with a type, not ${describeValue(raw)}` }];
  const kinds = STEP_KINDS.join(', ');
  if (raw.type === undefined) return [{ path: '', message: `missing required property "type"; known types are ${kinds}` }];
  if (!isStepKind(raw.type)) return [{ path: 'type', message: `unknown step type ${describeValue(raw.type)}; known types are ${kinds}` }];
  const problems = schemaProblems(STEP_SCHEMAS[raw.type], raw, '');
  if (raw.type !== 'branch' || !Array.isArray(raw.conditions)) return problems;
  const kept = problems.filter((problem) => !/^conditions\.\d+\.when(\.|$)/.test(problem.path));
  raw.conditions.forEach((entry: unknown, index) => {
    if (isRecord(entry) && entry.when !== undefined) rawConditionProblems(entry.when, joinPath('conditions', index, 'when'), kept);
  });
  return kept;
}

function syntaxIssues(document: Document, lineCounter: LineCounter, file: string): FlowIssue[] {
  return document.errors.map((error) => {
    const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    return { file, path: '', message: `YAML syntax error at line ${position.line}, column ${position.col}: ${reason}` };
  });
}

/**
 * Keys YAML treats as different but that become the same property (`1:` and
 * `'1':` in a menu): the second would silently replace the first.
 */
function duplicateKeyIssues(document: Document, lineCounter: LineCounter, file: string): FlowIssue[] {
  const issues: FlowIssue[] = [];
  visit(document, {
    Map(_key, map, ancestors) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const names: string[] = [];
        let child: unknown = map;
        for (let index = ancestors.length - 1; index >= 0; index -= 1) {
          const node = ancestors[index];
          if (isPair(node)) names.unshift(isScalar(node.key) ? String(node.key.value) : String(node.key));
          else if (isSeq(node)) names.unshift(String(node.items.indexOf(child)));
          child = node;
        }
        const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
        issues.push({ file, path: joinPath(...names, key), message: `duplicate key "${key}" (line ${lineCounter.linePos(offset).line}); each key may appear once` });
      }
    },
  });
  return issues;
}

function conditionVariables(condition: Condition, into: string[]): void {
  if ('all' in condition) condition.all.forEach((inner) => conditionVariables(inner, into));
  else if ('any' in condition) condition.any.forEach((inner) => conditionVariables(inner, into));
  else if ('not' in condition) conditionVariables(condition.not, into);
  else if (condition.field.startsWith('vars.')) into.push(condition.field.slice(5));
}

/** Checks that need the whole (schema-valid) flow: references, loops, reachability, variables. */
function graphIssues(flow: Flow, file: string): { errors: FlowIssue[]; warnings: FlowIssue[] } {
  const errors: FlowIssue[] = [];
  const warnings: FlowIssue[] = [];
  const names = Object.keys(flow.steps);
  const exists = (name: string): boolean => Object.hasOwn(flow.steps, name);
  const known = names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, ...`;

  if (!exists(flow.start)) errors.push({ file, path: 'start', message: `no step named "${flow.start}"; steps are ${known}` });
  for (const [name, step] of Object.entries(flow.steps)) {
    for (const edge of stepEdges(step)) {
      if (!exists(edge.target)) errors.push({ file, path: joinPath('steps', name, edge.field), message: `no step named "${edge.target}"; steps are ${known}` });
    }
    const findings = stepProblems(step);
    errors.push(...findings.errors.map((problem) => ({ file, path: joinPath('steps', name, problem.path), message: problem.message })));
    warnings.push(...findings.warnings.map((problem) => ({ file, path: joinPath('steps', name, problem.path), message: problem.message })));
  }

  const cycles = noInputCycles(
    names,
    (name) => (flow.steps[name] ? stepEdges(flow.steps[name]).map((edge) => edge.target) : []),
    (name) => (flow.steps[name] ? takesInput(flow.steps[name]) : true),
  );
  for (const cycle of cycles) {
    errors.push({
      file,
      path: joinPath('steps', cycle[0]!),
      message: `steps ${[...cycle, cycle[0]!].join(' → ')} loop without taking caller input; put a menu or collect in the loop, or end it`,
    });
  }

  if (exists(flow.start)) {
    const reachable = reachableFrom(flow, flow.start);
    for (const name of names) {
      if (!reachable.has(name)) warnings.push({ file, path: joinPath('steps', name), message: `step "${name}" is never reached from start "${flow.start}"` });
    }
  }

  // A variable read before anything stores it is almost always a typo.
  const stored = new Set<string>();
  for (const step of Object.values(flow.steps)) {
    if (step.type === 'collect') stored.add(step.variable);
    if (step.type === 'set') Object.keys(step.variables ?? {}).forEach((variable) => stored.add(variable));
  }
  for (const [name, step] of Object.entries(flow.steps)) {
    if (step.type === 'lookup' && !stored.has(step.variable)) {
      warnings.push({ file, path: joinPath('steps', name, 'variable'), message: `no collect or set step in this flow stores "${step.variable}"` });
    }
    if (step.type === 'branch') {
      step.conditions.forEach((entry, index) => {
        const read: string[] = [];
        conditionVariables(entry.when, read);
        for (const variable of read.filter((v) => !stored.has(v))) {
          warnings.push({ file, path: joinPath('steps', name, 'conditions', index, 'when'), message: `no collect or set step in this flow stores vars.${variable}` });
        }
      });
    }
  }
  return { errors, warnings };
}

/** Validates one flow file's text; never throws on bad input. */
export function validateFlowText(text: string, file: string): FlowValidation {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntax = syntaxIssues(document, lineCounter, file);
  if (syntax.length > 0) return { flow: null, errors: syntax, warnings: [] };

  let data: unknown;
  try {
    // Bounded alias expansion: a "billion laughs" file is an error, not an out-of-memory.
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { flow: null, errors: [{ file, path: '', message: `cannot read the YAML: ${error instanceof Error ? error.message : String(error)}` }], warnings: [] };
  }
  if (data === null || data === undefined) {
    return { flow: null, errors: [{ file, path: '', message: 'the file is empty; a flow needs name, start and steps' }], warnings: [] };
  }
  if (!isRecord(data)) {
    return { flow: null, errors: [{ file, path: '', message: `a flow file must be a mapping with name, start and steps, not ${describeValue(data)}` }], warnings: [] };
  }

  const errors: FlowIssue[] = duplicateKeyIssues(document, lineCounter, file);
  for (const problem of schemaProblems(FlowShell, data, '')) {
    // The shell accepts any key under steps; step names are checked below with a clearer message.
    errors.push({ file, ...problem });
  }
  if (isRecord(data.steps)) {
    for (const [name, raw] of Object.entries(data.steps)) {
      if (!STEP_NAME.test(name)) {
        errors.push({ file, path: joinPath('steps', name), message: `"${name}" is not a step name: start with a letter, then letters, digits, _ or - (at most 64)` });
      }
      for (const problem of rawStepProblems(raw)) errors.push({ file, path: joinPath('steps', name, problem.path), message: problem.message });
    }
  }
  if (errors.length > 0) return { flow: null, errors, warnings: [] };

  if (!Value.Check(Flow, data)) {
    // Belt and braces: the per-part checks above should have caught anything the full schema rejects.
    const first = Value.Errors(Flow, data)[0];
    return { flow: null, errors: [{ file, path: dotted(first?.instancePath ?? ''), message: first?.message ?? 'does not match the flow schema' }], warnings: [] };
  }
  const flow = data;
  const graph = graphIssues(flow, file);
  const warnings = [...document.warnings.map((warning) => ({ file, path: '', message: `YAML: ${warning.message.split('\n')[0] ?? ''}` })), ...graph.warnings];
  return { flow: graph.errors.length === 0 ? flow : null, errors: graph.errors, warnings };
}
