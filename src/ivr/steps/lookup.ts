import { lookupCaller } from '../../customers/lookup.js';
import { searchCustomers } from '../../customers/repository.js';
import type { Customer } from '../../customers/schemas.js';
import type { StepExecutor } from '../context.js';
import type { StepOf } from '../schema.js';

/**
 * Identifies the caller from a value they typed (account / external id, or a
 * phone number), so a withheld or unknown caller can still be recognised.
 * Several matches are as good as none: the agent will ask.
 */
export const executeLookup: StepExecutor<StepOf<'lookup'>> = async (run, step) => {
  const value = run.facts.vars[step.variable];
  if (value === undefined || value === '') return { next: step.notFound, result: `no value in ${step.variable}` };
  let customer: Customer | null;
  if (step.by === 'externalId') {
    const found = await searchCustomers(run.deps.db, { externalId: String(value), limit: 2, offset: 0 }, run.deps.region);
    customer = found.length === 1 ? found[0]! : null;
  } else {
    const found = await lookupCaller(run.deps.db, String(value), run.deps.region);
    customer = found.match === 'one' ? found.candidates[0]!.customer : null;
  }
  if (!customer) return { next: step.notFound, result: 'not found' };
  run.facts.customer = customer;
  run.facts.match = 'one';
  void run.deps.recorder.identify(run.session.channelId, customer.id);
  return { next: step.found, result: `found customer ${customer.id}` };
};
