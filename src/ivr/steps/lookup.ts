import { lookupCaller } from '../../customers/lookup.js';
import { searchCustomers } from '../../customers/repository.js';
import type { Customer } from '../../customers/schemas.js';
import { CRM_BUDGET_MS, withinBudget } from '../../db/time-budget.js';
import type { StepExecutor } from '../context.js';
import type { StepOf } from '../schema.js';

async function findCustomer(run: Parameters<StepExecutor<StepOf<'lookup'>>>[0], by: StepOf<'lookup'>['by'], value: string): Promise<Customer | null> {
  if (by === 'externalId') {
    const found = await searchCustomers(run.deps.db, { externalId: value, limit: 2, offset: 0 }, run.deps.region);
    return found.length === 1 ? found[0]! : null;
  }
  const found = await lookupCaller(run.deps.db, value, run.deps.region);
  return found.match === 'one' ? found.candidates[0]!.customer : null;
}

/**
 * Identifies the caller from a value they typed (account / external id, or a
 * phone number), so a withheld or unknown caller can still be recognised.
 * Several matches are as good as none: the agent will ask.
 */
export const executeLookup: StepExecutor<StepOf<'lookup'>> = async (run, step) => {
  const value = run.facts.vars[step.variable];
  if (value === undefined || value === '') return { next: step.notFound, result: `no value in ${step.variable}` };
  let customer: Customer | null;
  try {
    customer = await withinBudget(findCustomer(run, step.by, String(value)), CRM_BUDGET_MS, 'the customer lookup');
  } catch (error) {
    // The CRM being away is a "not found": the caller goes on, the agent will ask.
    run.session.log.warn({ err: error }, 'customer lookup failed');
    return { next: step.notFound, result: 'CRM unavailable' };
  }
  if (!customer) return { next: step.notFound, result: 'not found' };
  run.facts.customer = customer;
  run.facts.match = 'one';
  void run.deps.recorder.identify(run.session.channelId, customer.id);
  return { next: step.found, result: `found customer ${customer.id}` };
};
