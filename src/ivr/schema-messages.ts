import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { joinPath, dotted } from './flow-issues.js';

/** One schema finding, located relative to the value that was checked. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** The JSON Schema fields this file reads; TypeBox error params are untyped. */
interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Patterns of schema.ts in words, so a message says what is expected rather than quoting a regular expression. */
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z][A-Za-z0-9_-]{0,63}$': 'a step name (a letter, then letters, digits, _ or -; at most 64 characters)',
  '^(sound|recording):[A-Za-z0-9_/.-]{1,120}$': 'a prompt: sound:<name> or recording:<name> (letters, digits, _ / . -)',
  '^[0-9*#]$': 'a key: 0-9, * or #',
  '^[a-z][a-z0-9_]{0,39}$': 'a variable name (a lower-case letter, then lower-case letters, digits or _; at most 40)',
  '^[a-z0-9_-]{1,64}$': 'a name of lower-case letters, digits, _ or - (at most 64)',
  '^[a-z0-9_:-]{1,64}$': 'a tag or skill of lower-case letters, digits, _ : or - (at most 64)',
  '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$': 'a language code such as en, zh or pt-BR',
  '^\\+?[0-9]{1,20}$': 'a dialled number: digits with an optional leading + (at most 20)',
  '^\\+?[0-9]{2,20}$': 'a phone number: 2-20 digits with an optional leading +',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': 'a time HH:MM (00:00-23:59)',
  '^\\d{4}-\\d{2}-\\d{2}$': 'a date YYYY-MM-DD',
};

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const part of dotted(pointer).split('.').filter((p) => p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The schema node a TypeBox schemaPath (`#/properties/options`) points at. */
function schemaAt(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let current: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter((p) => p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : undefined;
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false' };
  return words[String(type)] ?? String(type);
}

function promptProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(sound|recording):(.*)$/.exec(value);
  if (!match) return `${describeValue(value)} is not a prompt: write sound:<name> or recording:<name>`;
  if (match[2] === '') return `${describeValue(value)} names no ${match[1]}`;
  return `${describeValue(value)} is not a valid ${match[1]} name: use letters, digits, _ / . - (at most 120)`;
}

function keyProblem(parentPath: string, key: string): string {
  const parent = parentPath.split('.').at(-1);
  if (parent === 'options') return `"${key}" is not a menu key: use 0-9, * or # (quote * and # in YAML: '*' and '#')`;
  if (parent === 'steps') return `"${key}" is not a step name: start with a letter, then letters, digits, _ or - (at most 64)`;
  return `unknown property "${key}"`;
}

function message(error: SchemaError, root: TSchema, value: unknown, path: string): string {
  const got = valueAt(value, error.instancePath);
  const params = error.params;
  switch (error.keyword) {
    case 'pattern': {
      const pattern = String(params.pattern);
      if (pattern.startsWith('^(sound|recording)')) return promptProblem(got) ?? 'is not a prompt';
      const words = PATTERN_WORDS[pattern];
      return words ? `${describeValue(got)} is not ${words}` : `${describeValue(got)} does not match ${pattern}`;
    }
    case 'type':
      return `must be ${typeWords(params.type)}, not ${describeValue(got)}`;
    case 'minItems':
      if (/(^|\.)(prompts|noInputPrompts|invalidPrompts)$/.test(path)) return 'names no prompt: list at least one sound:<name> or recording:<name>';
      return `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must list at most ${String(params.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}, not ${describeValue(got)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}, not ${describeValue(got)}`;
    case 'minLength':
      return `must not be empty`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(got)}`;
    default:
      void root;
      return error.message;
  }
}

/**
 * Checks `value` against `schema` and words each finding for a person.
 * Unions are folded into one "one of" message, a missing or extra property
 * is named, and pattern failures say what form is expected.
 */
export function schemaProblems(schema: TSchema, value: unknown, basePath: string): SchemaProblem[] {
  const errors = Value.Errors(schema, value) as unknown as SchemaError[];
  const problems: SchemaProblem[] = [];
  const folded = new Set<SchemaError>();

  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const inner = errors.filter((e) => e !== error && e.instancePath === error.instancePath && e.schemaPath.startsWith(`${error.schemaPath}/anyOf/`));
    inner.forEach((e) => folded.add(e));
    folded.add(error);
    const path = joinPath(basePath, dotted(error.instancePath));
    const got = describeValue(valueAt(value, error.instancePath));
    if (inner.length > 0 && inner.every((e) => e.keyword === 'const')) {
      problems.push({ path, message: `must be one of ${inner.map((e) => String(e.params.allowedValue)).join(', ')}; not ${got}` });
    } else if (inner.length > 0 && inner.every((e) => e.keyword === 'type')) {
      problems.push({ path, message: `must be ${inner.map((e) => typeWords(e.params.type)).join(' or ')}, not ${got}` });
    } else {
      problems.push({ path, message: `${got} is not valid here` });
    }
  }

  for (const error of errors) {
    if (folded.has(error)) continue;
    // The "schema is false" twin of an additionalProperties error says nothing more.
    if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) continue;
    const path = joinPath(basePath, dotted(error.instancePath));
    if (error.keyword === 'required') {
      for (const name of (error.params.requiredProperties as string[] | undefined) ?? []) {
        problems.push({ path, message: `missing required property "${name}"` });
      }
    } else if (error.keyword === 'additionalProperties') {
      const allowed = Object.keys((schemaAt(schema, error.schemaPath)?.properties as object | undefined) ?? {});
      for (const name of (error.params.additionalProperties as string[] | undefined) ?? []) {
        const reason = allowed.length > 0 ? `unknown property "${name}"; allowed: ${allowed.join(', ')}` : keyProblem(path, name);
        problems.push({ path: allowed.length > 0 ? path : joinPath(path, name), message: reason });
      }
    } else {
      problems.push({ path, message: message(error, schema, value, path) });
    }
  }
  return problems;
}
