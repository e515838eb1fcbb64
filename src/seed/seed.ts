import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Pool } from '../db/pool.js';
import { ensureUser } from '../users/repository.js';
import { checkHistoryOptions, seedCallHistory } from './call-history.js';
import { CustomerModel } from './customer-model.js';
import { demoUsers } from './demo-users.js';
import { SEED_TABLES, seedReferenceTime, type RowContext, type SeedTable } from './table-rows.js';

export interface SeedOptions {
  customers: number;
  seed?: number;
  /** Delete every CRM row first (customers and everything hanging off them). */
  reset?: boolean;
  now?: number;
  onProgress?: (table: string, customersDone: number) => void;
  /** Past days of calls as the ACD records them (queued, answered, abandoned…), for reports. */
  history?: { days: number; callsPerDay: number; timezone: string; onDay?: (daysDone: number) => void };
}

export interface SeedResult {
  customers: number;
  rows: Record<string, number>;
  seconds: number;
  /** Calls of the history, when asked for. */
  historyCalls?: number;
}

const CUSTOMERS_PER_CHUNK = 2000;
export const DEFAULT_SEED = 42;

async function copyTable(pool: Pool, table: SeedTable, model: CustomerModel, context: RowContext, onProgress?: SeedOptions['onProgress']): Promise<void> {
  const client = await pool.connect();
  try {
    function* chunks(): Generator<string> {
      for (let start = 0; start < model.count; start += CUSTOMERS_PER_CHUNK) {
        let chunk = '';
        const end = Math.min(model.count, start + CUSTOMERS_PER_CHUNK);
        for (let index = start; index < end; index++) chunk += table.rowsOf(model.customer(index), context);
        onProgress?.(table.name, end);
        if (chunk !== '') yield chunk;
      }
    }
    await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(table.copySql)));
  } finally {
    client.release();
  }
}

async function countRows(pool: Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table}`);
  return rows[0]!.count;
}

/**
 * Fills the CRM with deterministic synthetic data through COPY. Customers go
 * first (everything references them); the other tables then stream in parallel
 * on their own connections so PostgreSQL ingests while Node generates.
 */
export async function seedCrm(pool: Pool, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  if (!Number.isInteger(options.customers) || options.customers < 1 || options.customers > 20_000_000) {
    throw new Error('--customers must be a whole number from 1 to 20000000');
  }
  if (options.history) checkHistoryOptions(options.history.days, options.history.callsPerDay);
  if (options.reset) {
    await pool.query('TRUNCATE customers, customer_phones, contacts, tickets, orders, interactions, callbacks RESTART IDENTITY CASCADE');
  }
  const existing = await countRows(pool, 'customers');
  if (existing > 0) {
    throw new Error(`the database already holds ${existing} customers; pass --reset to replace them with seeded data`);
  }

  const agentIds: number[] = [];
  for (const user of demoUsers()) {
    const id = await ensureUser(pool, user);
    if (user.role === 'agent') agentIds.push(id);
  }

  const model = new CustomerModel(options.seed ?? DEFAULT_SEED, options.customers, 1);
  const context: RowContext = { model, now: options.now ?? seedReferenceTime(), agentIds };
  const [customersTable, ...dependentTables] = SEED_TABLES;
  await copyTable(pool, customersTable!, model, context, options.onProgress);
  await Promise.all(dependentTables.map((table) => copyTable(pool, table, model, context, options.onProgress)));

  for (const table of ['customers', 'contacts', 'tickets', 'orders', 'interactions']) {
    await pool.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest((SELECT max(id) FROM ${table}), 1))`);
  }
  await pool.query('ANALYZE customers, customer_phones, contacts, tickets, orders, interactions');

  const history = options.history
    ? await seedCallHistory(pool, { ...options.history, customers: options.customers, seed: options.seed ?? DEFAULT_SEED })
    : undefined;

  const rows: Record<string, number> = {};
  for (const table of SEED_TABLES) rows[table.name] = await countRows(pool, table.name);
  return { customers: options.customers, rows, seconds: (performance.now() - started) / 1000, ...(history ? { historyCalls: history.calls } : {}) };
}
