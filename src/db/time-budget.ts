/**
 * How long a call waits on the CRM before going on without it: a slow or
 * stopped PostgreSQL must not hold a caller in silence.
 */
export const CRM_BUDGET_MS = 300;

export class TimeBudgetExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeBudgetExceeded';
  }
}

/** The promise's result if it settles within `ms`; otherwise TimeBudgetExceeded (the work itself goes on unobserved). */
export function withinBudget<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeBudgetExceeded(what, ms)), ms);
  });
  // A late rejection of the abandoned work is expected, not unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
