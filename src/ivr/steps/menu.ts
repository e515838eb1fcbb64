import type { StepExecutor } from '../context.js';
import { playPrompts, waitForKey } from '../prompts.js';
import type { StepOf } from '../schema.js';

const DEFAULT_TIMEOUT_SECONDS = 5;
const DEFAULT_RETRIES = 2;

/**
 * Prompt, then one key chooses the next step. No input and invalid input each
 * have their own prompt and count as a try; after the last try, the fallback.
 */
export const executeMenu: StepExecutor<StepOf<'menu'>> = async (run, step) => {
  const retries = step.retries ?? DEFAULT_RETRIES;
  const given: string[] = [];
  let reprompt: readonly string[] = [];
  for (let attempt = 0; attempt <= retries; attempt++) {
    const key = (await playPrompts(run, [...reprompt, ...step.prompts], true)) ?? (await waitForKey(run, step.timeout ?? DEFAULT_TIMEOUT_SECONDS));
    if (!key) {
      given.push('(none)');
      reprompt = step.noInputPrompts ?? [];
      continue;
    }
    given.push(key.digit);
    const next = step.options[key.digit];
    if (next) return { next, input: given.join(','), result: `chose ${key.digit}` };
    reprompt = step.invalidPrompts ?? [];
  }
  return { next: step.fallback, input: given.join(','), result: 'no valid choice; fallback' };
};
