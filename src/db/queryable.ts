import type pg from 'pg';

/** A pool or a client inside a transaction: repositories work with either. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export const UNIQUE_VIOLATION = '23505';
export const DEADLOCK_DETECTED = '40P01';

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
