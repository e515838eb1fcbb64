import pg from 'pg';

const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
    throw new Error('DATABASE_URL must name a database made of letters, digits, _ and -');
  }
  return name;
}

function maintenanceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

/** Creates the database named in `url` when it does not exist yet; returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_DATABASE) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  await runOnMaintenance(url, `CREATE DATABASE "${databaseName(url)}"`, [DUPLICATE_DATABASE]);
  return true;
}

export async function dropDatabase(url: string): Promise<void> {
  await runOnMaintenance(url, `DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`, []);
}

async function runOnMaintenance(url: string, sql: string, toleratedCodes: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: maintenanceUrl(url) });
  await admin.connect();
  try {
    await admin.query(sql);
  } catch (error) {
    if (!toleratedCodes.includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await admin.end();
  }
}
