import path from 'node:path';
import pg from 'pg';
import Postgrator from 'postgrator';
import { projectRoot } from '../config/paths.js';

// Two nodes starting together both try to migrate; this lock makes the second wait, then find nothing to do.
const MIGRATION_LOCK_KEY = 727_104_551;

export interface MigrationResult {
  applied: string[];
  version: number;
}

export async function migrate(databaseUrl: string): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'ringside-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const postgrator = new Postgrator({
      migrationPattern: path.join(projectRoot(), 'migrations', '*.sql'),
      driver: 'pg',
      database: client.database ?? 'postgres',
      schemaTable: 'ringside_schema_version',
      execQuery: (query: string) => client.query(query),
    });
    const applied = await postgrator.migrate();
    const version = Number(await postgrator.getDatabaseVersion());
    return { applied: applied.map((migration) => `${migration.version}.${migration.name}`), version };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
