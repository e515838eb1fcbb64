import type { CountryCode } from 'libphonenumber-js/max';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { normaliseCallerId } from '../customers/phone.js';
import type { StoredPhone } from '../customers/repository.js';
import { LanguageTag, Tier } from '../customers/schemas.js';

/** CSV header → customers column; `phones` is handled apart. */
export const CSV_COLUMNS = {
  external_id: 'external_id',
  name: 'name',
  company: 'company',
  tier: 'tier',
  segment: 'segment',
  lifetime_value: 'lifetime_value',
  preferred_language: 'preferred_language',
  do_not_call: 'do_not_call',
  birthday: 'birthday',
  notes: 'notes',
} as const;
export type CsvField = keyof typeof CSV_COLUMNS;
export const REQUIRED_COLUMNS = ['external_id', 'name'] as const;
export const KNOWN_HEADERS = [...Object.keys(CSV_COLUMNS), 'phones'];

const RowSchema = Type.Object({
  external_id: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  company: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  tier: Tier,
  segment: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  lifetime_value: Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$' }),
  preferred_language: LanguageTag,
  do_not_call: Type.Boolean(),
  birthday: Type.Union([Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Type.Null()]),
  notes: Type.String({ maxLength: 10_000 }),
});

/** What each field must look like, said the way a person fixing the file needs it. */
const EXPECTATIONS: Record<CsvField, string> = {
  external_id: 'is required (1-64 characters)',
  name: 'is required (1-200 characters)',
  company: 'must be at most 200 characters',
  tier: 'must be one of platinum, gold, silver, bronze, standard',
  segment: 'must be at most 64 characters',
  lifetime_value: 'must be a non-negative amount like 1250.50',
  preferred_language: 'must be a language tag like en, zh-CN, de',
  do_not_call: 'must be true/false, yes/no or 1/0',
  birthday: 'must be a date YYYY-MM-DD',
  notes: 'must be at most 10000 characters',
};

const DEFAULTS: Record<CsvField, unknown> = {
  external_id: '',
  name: '',
  company: null,
  tier: 'standard',
  segment: null,
  lifetime_value: '0',
  preferred_language: 'en',
  do_not_call: false,
  birthday: null,
  notes: '',
};

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };

export interface ImportRow {
  line: number;
  /** Only the columns the file has: absent columns are left alone on update. */
  values: Partial<Record<CsvField, unknown>>;
  /** Undefined when the file has no phones column. */
  phones: StoredPhone[] | undefined;
}

export class RowError extends Error {}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** "mobile:+86 138 0013 8000; work:(415) 555-0123" → normalised numbers; the first is primary. */
export function parsePhones(cell: string, region: CountryCode): StoredPhone[] {
  const phones = new Map<string, StoredPhone>();
  for (const part of cell.split(/[;|]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const labelled = /^([A-Za-z][\w-]{0,31}):(.+)$/.exec(part);
    const label = labelled ? labelled[1]!.toLowerCase() : 'mobile';
    const number = labelled ? labelled[2]!.trim() : part;
    const { e164 } = normaliseCallerId(number, region);
    if (!e164) throw new RowError(`phones: "${number.slice(0, 40)}" is not a valid phone number`);
    if (!phones.has(e164)) phones.set(e164, { e164, label, primary: phones.size === 0 });
  }
  return [...phones.values()];
}

/** Validates one CSV record against the header; throws RowError with the reason. */
export function parseRow(header: readonly string[], record: readonly string[], line: number, region: CountryCode): ImportRow {
  if (record.length !== header.length) {
    throw new RowError(`expected ${header.length} fields, found ${record.length}`);
  }
  const present: Partial<Record<CsvField, unknown>> = {};
  let phonesCell: string | undefined;
  header.forEach((column, index) => {
    const cell = record[index]!.trim();
    if (column === 'phones') phonesCell = cell;
    else if (column === 'do_not_call') present.do_not_call = cell === '' ? false : (BOOLEAN_WORDS[cell.toLowerCase()] ?? cell);
    else present[column as CsvField] = cell === '' ? DEFAULTS[column as CsvField] : cell;
  });
  const candidate = { ...DEFAULTS, ...present };
  for (const error of Value.Errors(RowSchema, candidate)) {
    const field = error.instancePath.replace(/^\//, '') as CsvField;
    throw new RowError(`${field} ${EXPECTATIONS[field] ?? 'is invalid'}`);
  }
  if (typeof candidate.birthday === 'string' && !isRealDate(candidate.birthday)) {
    throw new RowError(`birthday ${EXPECTATIONS.birthday}`);
  }
  return { line, values: present, phones: phonesCell === undefined ? undefined : parsePhones(phonesCell, region) };
}

/** Checks the header line; returns the problem or null. */
export function headerProblem(header: readonly string[]): string | null {
  const unknown = header.filter((column) => !KNOWN_HEADERS.includes(column));
  if (unknown.length > 0) return `unknown column(s): ${unknown.join(', ')}; known columns are ${KNOWN_HEADERS.join(', ')}`;
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) return `missing required column(s): ${missing.join(', ')}`;
  const duplicate = header.find((column, index) => header.indexOf(column) !== index);
  if (duplicate) return `column ${duplicate} appears twice`;
  return null;
}
