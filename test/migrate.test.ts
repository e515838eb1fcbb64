import t from 'tap';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { testDatabaseUrl } from './helpers/database.js';

async function schemaSnapshot(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ item: string }>(`
      SELECT table_name || '.' || column_name || ':' || data_type AS item FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      UNION ALL SELECT 'version:' || count(*) FROM ringside_schema_version
      ORDER BY 1`);
    return rows.map((row) => row.item).join('\n');
  } finally {
    await client.end();
  }
}

t.test('migrate creates the schema, and a second run changes nothing', async (t) => {
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  t.equal(await ensureDatabase(url), true, 'database created');
  t.equal(await ensureDatabase(url), false, 'exists the second time');
  const first = await migrate(url);
  t.ok(first.applied.length >= 2, 'migrations applied');
  const before = await schemaSnapshot(url);
  for (const table of ['customers', 'customer_phones', 'contacts', 'tickets', 'orders', 'interactions', 'users', 'user_skills', 'callbacks']) {
    t.match(before, new RegExp(`^${table}\\.`, 'm'), `table ${table}`);
  }
  t.match(before, /customer_phones_e164:.*\(e164\) INCLUDE \(customer_id\)/, 'caller-ID index');
  t.match(before, /interactions_customer_recent:.*\(customer_id, arrived_at DESC\)/, 'history index');
  const second = await migrate(url);
  t.same(second.applied, [], 'nothing applied the second time');
  t.equal(second.version, first.version);
  t.equal(await schemaSnapshot(url), before, 'schema unchanged');
});

t.test('two nodes migrating the same fresh database at once both succeed', async (t) => {
  const url = testDatabaseUrl();
  t.teardown(() => dropDatabase(url));
  await ensureDatabase(url);
  const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
  const a = results[0];
  t.ok(results.every((result) => result.version === a.version), 'all three agree on the version');
  t.same(results.map((result) => result.applied.length).sort(), [0, 0, a.version], 'one applied every migration, the others none');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM ringside_schema_version WHERE version > 0');
  await client.end();
  t.equal(rows[0]!.count, a.version, 'each migration recorded once');
});
