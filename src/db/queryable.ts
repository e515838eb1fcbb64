import type pg from 'pg';

/** A pool or a client inside a transaction: repositories work with either. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export const UNIQUE_VIOLATION = '23505';
export const DEADLOCK_DETECTED = '40P01';

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * PostgreSQL is away (stopped, restarting, unreachable, out of connections) as
 * opposed to refusing this write: the first kind waits in the outbox, the
 * second is a bug to log.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  // 08: connection exception; 57P01-57P03: shutting down / cannot connect now; 53300: too many connections.
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|not queryable/i.test(message);
}
