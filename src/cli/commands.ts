import cliProgress from 'cli-progress';
import type { Config } from '../config/env.js';
import { ensureDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { importCustomersCsv } from '../import/import-customers.js';
import { seedCrm } from '../seed/seed.js';
import { closeOnSignals, startServer } from '../server.js';

/** The database is created and migrated by every command that needs it, so each works on a fresh machine. */
async function preparedDatabase(config: Config): Promise<void> {
  await ensureDatabase(config.database.url);
  await migrate(config.database.url);
}

export async function serveCommand(config: Config): Promise<void> {
  const server = await startServer(config);
  closeOnSignals(server, config.shutdownTimeoutMs);
}

export async function migrateCommand(config: Config): Promise<void> {
  const created = await ensureDatabase(config.database.url);
  const result = await migrate(config.database.url);
  if (created) console.log('created the database');
  console.log(result.applied.length === 0 ? `schema already at version ${result.version}; nothing to do` : `applied ${result.applied.join(', ')}; schema at version ${result.version}`);
}

/** Calls of a history day when --history-days comes without --calls-per-day. */
const DEFAULT_CALLS_PER_DAY = 10_000;

export async function seedCommand(config: Config, options: { customers: number; seed: number; reset: boolean; historyDays?: number | undefined; callsPerDay?: number | undefined }): Promise<void> {
  await preparedDatabase(config);
  const pool = createPool(config.database.url, 8);
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'seeding {table} [{bar}] {percentage}% | {value}/{total} customers' }, cliProgress.Presets.shades_classic) : null;
  bar?.start(options.customers, 0, { table: 'customers' });
  try {
    const result = await seedCrm(pool, {
      customers: options.customers,
      seed: options.seed,
      reset: options.reset,
      onProgress: (table, done) => {
        if (table === 'customers') bar?.update(done, { table });
      },
      ...(options.historyDays !== undefined
        ? { history: { days: options.historyDays, callsPerDay: options.callsPerDay ?? DEFAULT_CALLS_PER_DAY, timezone: config.centerTimezone, onDay: (days: number) => bar?.update(options.customers, { table: `call history, day ${days} of ${options.historyDays}` }) } }
        : {}),
    });
    bar?.stop();
    const counts = Object.entries(result.rows).map(([table, count]) => `${table} ${count}`).join(', ');
    const history = result.historyCalls !== undefined ? `, with ${result.historyCalls} calls of history` : '';
    console.log(`seeded ${result.customers} customers${history} in ${result.seconds.toFixed(1)} s (${counts})`);
  } finally {
    bar?.stop();
    await pool.end();
  }
}

export async function importCommand(config: Config, file: string): Promise<void> {
  await preparedDatabase(config);
  const pool = createPool(config.database.url, 2);
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% | {eta_formatted} left' }, cliProgress.Presets.shades_classic) : null;
  try {
    bar?.start(100, 0);
    const summary = await importCustomersCsv(pool, file, {
      region: config.defaultRegion,
      onProgress: (read, total) => bar?.update(total === 0 ? 100 : Math.floor((read / total) * 100)),
    });
    bar?.update(100);
    bar?.stop();
    for (const skipped of summary.skipped) console.error(`${file}:${skipped.line}: skipped: ${skipped.reason}`);
    console.log(
      `${summary.rows} rows: ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped.length} skipped`,
    );
    if (summary.skipped.length > 0) process.exitCode = 2;
  } finally {
    bar?.stop();
    await pool.end();
  }
}
