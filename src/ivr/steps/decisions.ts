import { evaluate } from '../conditions.js';
import type { StepExecutor } from '../context.js';
import { hoursStatus } from '../hours.js';
import type { StepOf } from '../schema.js';

/** The first condition that holds picks the next step. */
export const executeBranch: StepExecutor<StepOf<'branch'>> = (run, step) => {
  const index = step.conditions.findIndex((condition) => evaluate(condition.when, run.facts));
  const chosen = step.conditions[index];
  return Promise.resolve(chosen ? { next: chosen.next, result: `condition ${index + 1}` } : { next: step.otherwise, result: 'otherwise' });
};

export const executeHours: StepExecutor<StepOf<'hours'>> = (run, step) => {
  const status = hoursStatus(step, run.deps.now());
  const next = status === 'open' ? step.whenOpen : status === 'holiday' ? (step.whenHoliday ?? step.whenClosed) : step.whenClosed;
  return Promise.resolve({ next, result: status });
};

export const executeSet: StepExecutor<StepOf<'set'>> = (run, step) => {
  Object.assign(run.facts.vars, step.variables ?? {});
  for (const tag of step.tags ?? []) run.facts.tags.add(tag);
  if (step.language) run.facts.language = step.language;
  const changed = [...Object.keys(step.variables ?? {}), ...(step.tags ?? []).map((tag) => `#${tag}`), ...(step.language ? [`language=${step.language}`] : [])];
  return Promise.resolve({ next: step.next, result: changed.join(' ') });
};
