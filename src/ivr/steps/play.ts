import type { StepExecutor } from '../context.js';
import { playPrompts } from '../prompts.js';
import type { StepOf } from '../schema.js';

/** Plays prompts; a key pressed meanwhile stops them and is kept for the next step that takes input. */
export const executePlay: StepExecutor<StepOf<'play'>> = async (run, step) => {
  const key = await playPrompts(run, step.prompts, true);
  if (key) run.session.returnKey(key);
  return { next: step.next, ...(key ? { result: 'interrupted by a key' } : {}) };
};
