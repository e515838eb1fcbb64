import t from 'tap';
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Pool } from '../src/db/pool.js';
import { lookupCaller } from '../src/customers/lookup.js';
import { CustomerModel } from '../src/seed/customer-model.js';
import { seedCrm } from '../src/seed/seed.js';
import { createTestDatabase } from './helpers/database.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

async function digest(pool: Pool): Promise<string> {
  const hash = createHash('sha256');
  for (const sql of [
    'SELECT id, external_id, name, company, tier, lifetime_value, preferred_language, do_not_call, birthday, notes FROM customers ORDER BY id',
    'SELECT customer_id, e164, label, is_primary FROM customer_phones ORDER BY 1, 2',
    'SELECT customer_id, subject, status, opened_at FROM tickets ORDER BY id',
    'SELECT customer_id, order_number, amount, ordered_at FROM orders ORDER BY id',
    'SELECT customer_id, arrived_at, outcome, notes FROM interactions ORDER BY id',
  ]) {
    hash.update(JSON.stringify((await pool.query(sql)).rows));
  }
  return hash.digest('hex');
}

t.test('seeding is deterministic, realistic and valid', async (t) => {
  const first = await createTestDatabase(t);
  const second = await createTestDatabase(t);
  const a = await seedCrm(first.pool, { customers: 1500, now: NOW });
  await seedCrm(second.pool, { customers: 1500, now: NOW });
  t.equal(a.rows.customers, 1500);
  t.ok(a.rows.customer_phones! > 1500, 'some customers have several numbers');
  for (const table of ['tickets', 'orders', 'interactions', 'contacts']) t.ok(a.rows[table]! > 0, `${table} seeded`);
  t.equal(await digest(first.pool), await digest(second.pool), 'same seed, same data');

  const { rows: phones } = await first.pool.query<{ e164: string }>('SELECT DISTINCT e164 FROM customer_phones');
  const invalid = phones.filter(({ e164 }) => parsePhoneNumberFromString(e164)?.number !== e164 || !parsePhoneNumberFromString(e164)?.isValid());
  t.same(invalid, [], 'every seeded number is valid E.164');
  const countries = new Set(phones.map(({ e164 }) => parsePhoneNumberFromString(e164)?.country));
  for (const country of ['CN', 'US', 'GB', 'DE', 'FR']) t.ok(countries.has(country as never), `numbers from ${country}`);
  const { rows: cnTypes } = await first.pool.query<{ e164: string }>("SELECT e164 FROM customer_phones WHERE e164 LIKE '+86%'");
  const types = new Set(cnTypes.map(({ e164 }) => parsePhoneNumberFromString(e164)?.getType()));
  t.ok(types.has('MOBILE') && types.has('FIXED_LINE'), 'Chinese mobile and landline numbers');

  const { rows: shared } = await first.pool.query<{ e164: string }>('SELECT e164 FROM customer_phones GROUP BY e164 HAVING count(*) > 1 LIMIT 1');
  t.ok(shared[0], 'some numbers are shared (company switchboards)');
  t.equal((await lookupCaller(first.pool, shared[0]!.e164, 'US')).match, 'several');

  const { rows: chinese } = await first.pool.query<{ name: string }>("SELECT name FROM customers WHERE preferred_language = 'zh-CN' LIMIT 5");
  t.ok(chinese.every(({ name }) => /[\u4e00-\u9fff]/.test(name)), 'Chinese customers have Chinese names');

  const { rows: sequence } = await first.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('after seed') RETURNING id");
  t.equal(sequence[0]!.id, 1501, 'ids continue after the seeded ones');

  const model = new CustomerModel(42, 1500, 1);
  const unknown = await lookupCaller(first.pool, model.unknownNumber(model.countries[0]!, 7), 'US');
  t.equal(unknown.match, 'none', 'the model knows numbers nobody owns');
});

t.test('seeding refuses to mix with existing data unless asked to reset', async (t) => {
  const { pool } = await createTestDatabase(t);
  await seedCrm(pool, { customers: 50, now: NOW });
  await t.rejects(seedCrm(pool, { customers: 50, now: NOW }), /already holds 50 customers; pass --reset/);
  const reset = await seedCrm(pool, { customers: 80, now: NOW, reset: true });
  t.equal(reset.rows.customers, 80);
  const { rows } = await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM users WHERE role = 'agent'");
  t.equal(rows[0]!.count, 8, 'demo users created once');
  await t.rejects(seedCrm(pool, { customers: 0 }), /--customers must be a whole number/);
});
