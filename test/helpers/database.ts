import type { Test } from 'tap';
import { dropDatabase, ensureDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { TEST_POSTGRES_URL, uniqueSuffix } from './env.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
}

export function testDatabaseUrl(): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/ringside_test_${uniqueSuffix()}`;
  return url.toString();
}

/** A fresh, migrated database of this test's own, dropped at teardown. */
export async function createTestDatabase(t: Test, { migrated = true, poolSize = 4 } = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  if (migrated) await migrate(url);
  const pool = createPool(url, poolSize);
  t.teardown(async () => {
    await pool.end();
    await dropDatabase(url);
  });
  return { url, pool };
}
