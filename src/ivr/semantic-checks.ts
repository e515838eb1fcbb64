import type { Comparison, Condition, Step } from './schema.js';
import { joinPath } from './flow-issues.js';
import type { SchemaProblem } from './schema-messages.js';

/** Findings the schema cannot express; `path` is relative to the step. */
export interface StepFindings {
  errors: SchemaProblem[];
  warnings: SchemaProblem[];
}

export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `is not a valid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`;
  }
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const SOUND_EXTENSION = /\.(wav|wav16|gsm|ulaw|alaw|sln|sln16|g722|g729|mp3|ogg|opus)$/i;

/** Names the schema pattern lets through that no sound or recording can have. */
export function promptNameProblems(prompts: readonly string[] | undefined, path: string, findings: StepFindings): void {
  (prompts ?? []).forEach((prompt, index) => {
    const name = prompt.slice(prompt.indexOf(':') + 1);
    const at = joinPath(path, index);
    if (name.startsWith('/') || name.endsWith('/') || name.includes('//') || name.split('/').some((part) => part === '.' || part === '..')) {
      findings.errors.push({ path: at, message: `"${prompt}" is not a valid sound name: no leading, trailing or doubled /, and no . or .. parts` });
    } else if (prompt.startsWith('sound:') && SOUND_EXTENSION.test(name)) {
      findings.warnings.push({ path: at, message: `"${prompt}" ends in a file extension; Asterisk picks the format itself, so name the sound without it` });
    }
  });
}

const OPERATORS = ['equals', 'notEquals', 'in', 'notIn', 'exists', 'gt', 'gte', 'lt', 'lte', 'matches', 'contains'] as const;

function comparisonProblems(comparison: Comparison, path: string, findings: StepFindings): void {
  // No operator at all is allowed: the interpreter reads it as "the field is truthy".
  const used = OPERATORS.filter((operator) => comparison[operator] !== undefined);
  if (comparison.matches !== undefined) {
    const problem = regexProblem(comparison.matches);
    if (problem) findings.errors.push({ path: joinPath(path, 'matches'), message: `${JSON.stringify(comparison.matches)} ${problem}` });
  }
  if (comparison.contains !== undefined && comparison.field !== 'tags') {
    findings.errors.push({ path: joinPath(path, 'contains'), message: `contains tests the call's tags; use field: tags (or equals/in for ${comparison.field})` });
  }
  if (comparison.field === 'tags' && used.some((operator) => operator !== 'contains' && operator !== 'exists')) {
    findings.errors.push({ path, message: 'tags can only be tested with contains (or exists)' });
  }
}

/** Walks a (schema-valid) condition tree. */
export function conditionProblems(condition: Condition, path: string, findings: StepFindings): void {
  if ('all' in condition) condition.all.forEach((inner, index) => conditionProblems(inner, joinPath(path, 'all', index), findings));
  else if ('any' in condition) condition.any.forEach((inner, index) => conditionProblems(inner, joinPath(path, 'any', index), findings));
  else if ('not' in condition) conditionProblems(condition.not, joinPath(path, 'not'), findings);
  else comparisonProblems(condition, path, findings);
}

/** Checks one schema-valid step for what its schema cannot say. */
export function stepProblems(step: Step): StepFindings {
  const findings: StepFindings = { errors: [], warnings: [] };
  if ('prompts' in step) promptNameProblems(step.prompts, 'prompts', findings);
  if ('noInputPrompts' in step) promptNameProblems(step.noInputPrompts, 'noInputPrompts', findings);
  if ('invalidPrompts' in step) promptNameProblems(step.invalidPrompts, 'invalidPrompts', findings);

  switch (step.type) {
    case 'collect':
      if (step.minDigits > step.maxDigits) {
        findings.errors.push({ path: 'minDigits', message: `minDigits (${step.minDigits}) is more than maxDigits (${step.maxDigits})` });
      }
      if (step.pattern !== undefined) {
        const problem = regexProblem(step.pattern);
        if (problem) findings.errors.push({ path: 'pattern', message: `${JSON.stringify(step.pattern)} ${problem}` });
      }
      break;
    case 'branch':
      step.conditions.forEach((entry, index) => conditionProblems(entry.when, joinPath('conditions', index, 'when'), findings));
      break;
    case 'hours':
      if (!isTimeZone(step.timezone)) {
        findings.errors.push({ path: 'timezone', message: `"${step.timezone}" is not an IANA time zone (e.g. Asia/Shanghai, Europe/London, America/New_York)` });
      }
      step.open.forEach((window, index) => {
        if (window.from >= window.to) {
          findings.errors.push({
            path: joinPath('open', index, 'to'),
            message: `to (${window.to}) must be later than from (${window.from}); split hours that cross midnight into two windows`,
          });
        }
      });
      (step.holidays ?? []).forEach((date, index) => {
        if (!isCalendarDate(date)) findings.errors.push({ path: joinPath('holidays', index), message: `"${date}" is not a calendar date` });
      });
      if (step.whenHoliday !== undefined && (step.holidays ?? []).length === 0) {
        findings.warnings.push({ path: 'whenHoliday', message: 'whenHoliday is set but no holidays are listed' });
      }
      break;
    case 'transfer':
      if ((step.flow === undefined) === (step.number === undefined)) {
        findings.errors.push({
          path: '',
          message: step.flow === undefined ? 'a transfer needs a flow or a number' : 'a transfer takes either a flow or a number, not both',
        });
      }
      break;
    case 'set':
      if (step.variables === undefined && step.tags === undefined && step.language === undefined) {
        findings.warnings.push({ path: '', message: 'this set step sets nothing (no variables, tags or language)' });
      }
      break;
    default:
      break;
  }
  return findings;
}
