import type { IvrRun, KeyEvent, StepExecutor } from '../context.js';
import { playPrompts, waitForKey } from '../prompts.js';
import type { StepOf } from '../schema.js';

const DEFAULT_FIRST_DIGIT_SECONDS = 5;
const DEFAULT_INTER_DIGIT_SECONDS = 3;
const DEFAULT_RETRIES = 2;

type Collect = StepOf<'collect'>;

/** Reads one entry: digits until the terminator, the maximum length, or a pause. */
async function readDigits(run: IvrRun, step: Collect, first: KeyEvent | null): Promise<string> {
  let digits = '';
  let key = first ?? (await waitForKey(run, step.firstDigitTimeout ?? DEFAULT_FIRST_DIGIT_SECONDS));
  while (key) {
    if (step.terminator && key.digit === step.terminator) break;
    digits += key.digit;
    if (digits.length >= step.maxDigits) break;
    key = await waitForKey(run, step.interDigitTimeout ?? DEFAULT_INTER_DIGIT_SECONDS);
  }
  return digits;
}

function problemWith(step: Collect, digits: string): string | null {
  if (digits.length < step.minDigits) return `too few digits (${digits.length})`;
  if (digits.length > step.maxDigits) return `too many digits (${digits.length})`;
  if (step.pattern && !new RegExp(step.pattern).test(digits)) return 'does not match the pattern';
  return null;
}

/**
 * Collects digits into a call variable, with retries for no input and for
 * entries that are too short, too long or fail the pattern.
 */
export const executeCollect: StepExecutor<Collect> = async (run, step) => {
  const retries = step.retries ?? DEFAULT_RETRIES;
  const tries: string[] = [];
  let reprompt: readonly string[] = [];
  for (let attempt = 0; attempt <= retries; attempt++) {
    const first = await playPrompts(run, [...reprompt, ...step.prompts], true);
    const digits = await readDigits(run, step, first);
    if (digits === '') {
      tries.push('(none)');
      reprompt = step.noInputPrompts ?? [];
      continue;
    }
    tries.push(digits);
    const problem = problemWith(step, digits);
    if (!problem) {
      run.facts.vars[step.variable] = digits;
      return { next: step.next, input: tries.join(','), result: `${step.variable} collected` };
    }
    reprompt = step.invalidPrompts ?? [];
  }
  return { next: step.fallback, input: tries.join(','), result: 'no valid entry; fallback' };
};
