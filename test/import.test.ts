import t from 'tap';
import path from 'node:path';
import { importCustomersCsv } from '../src/import/import-customers.js';
import { createTestDatabase } from './helpers/database.js';

const GOOD_AND_BAD = [
  'external_id,name,company,tier,lifetime_value,preferred_language,do_not_call,birthday,notes,phones',
  'C-1,张伟,北京星河科技,gold,1200.50,zh-CN,no,1980-02-29,"VIP, handle with care","mobile:138 0013 8000; work:010 6552 9988"',
  'C-2,Alice Smith,,standard,,en,yes,,,+1 415 555 0123',
  'C-3,Bad Tier,,diamond,10,en,no,,,',
  'C-4,Bad Phone,,silver,10,en,no,,,mobile:12345',
  ',No Id,,silver,10,en,no,,,',
  'C-5,Bad Date,,silver,10,en,no,1980-02-30,,',
  'C-6,Bad Flag,,silver,10,en,perhaps,,,',
  'C-1,Duplicate Of First,,gold,1,en,no,,,',
  'C-7,Too,Many,Fields,here,en,no,,,,extra',
  'C-8,"Multi',
  'line name",,bronze,5,en,no,,,+44 20 7946 0018',
  'C-9,Bad Money,,bronze,-5,en,no,,,',
].join('\n');

t.test('imports good rows, reports bad ones by line, and is idempotent', async (t) => {
  const { pool } = await createTestDatabase(t);
  const dir = t.testdir({ 'customers.csv': GOOD_AND_BAD, 'changed.csv': '' });
  const file = path.join(dir, 'customers.csv');
  const progress: number[] = [];
  const first = await importCustomersCsv(pool, file, { region: 'CN', onProgress: (read) => progress.push(read) });
  t.same({ rows: first.rows, inserted: first.inserted, updated: first.updated, unchanged: first.unchanged }, { rows: 11, inserted: 3, updated: 0, unchanged: 0 });
  t.same(
    first.skipped.map((s) => [s.line, s.reason]),
    [
      [4, 'tier must be one of platinum, gold, silver, bronze, standard'],
      [5, 'phones: "12345" is not a valid phone number'],
      [6, 'external_id is required (1-64 characters)'],
      [7, 'birthday must be a date YYYY-MM-DD'],
      [8, 'do_not_call must be true/false, yes/no or 1/0'],
      [9, 'external_id C-1 already appeared on line 2'],
      [10, 'expected 10 fields, found 11'],
      [13, 'lifetime_value must be a non-negative amount like 1250.50'],
    ],
  );
  t.ok(progress.length > 0, 'progress reported');

  const { rows } = await pool.query(
    `SELECT external_id, name, company, tier, lifetime_value::text, preferred_language, do_not_call, birthday, notes,
            (SELECT json_agg(json_build_object('e164', e164, 'label', label, 'primary', is_primary) ORDER BY is_primary DESC, e164)
               FROM customer_phones WHERE customer_id = c.id) AS phones, updated_at
     FROM customers c ORDER BY external_id`,
  );
  t.equal(rows.length, 3);
  t.match(rows[0], {
    external_id: 'C-1', name: '张伟', company: '北京星河科技', tier: 'gold', lifetime_value: '1200.50', do_not_call: false,
    birthday: '1980-02-29', notes: 'VIP, handle with care',
    phones: [{ e164: '+8613800138000', label: 'mobile', primary: true }, { e164: '+861065529988', label: 'work', primary: false }],
  });
  t.match(rows[1], { external_id: 'C-2', company: null, tier: 'standard', lifetime_value: '0.00', do_not_call: true, phones: [{ e164: '+14155550123' }] });
  t.match(rows[2], { external_id: 'C-8', name: 'Multi\nline name' });

  const again = await importCustomersCsv(pool, file, { region: 'CN' });
  t.same({ inserted: again.inserted, updated: again.updated, unchanged: again.unchanged }, { inserted: 0, updated: 0, unchanged: 3 }, 'second run changes nothing');
  const { rows: after } = await pool.query('SELECT external_id, updated_at FROM customers ORDER BY external_id');
  t.same(after.map((row: { updated_at: Date }) => row.updated_at), rows.map((row: { updated_at: Date }) => row.updated_at), 'updated_at untouched');

  const changed = path.join(dir, 'changed.csv');
  await import('node:fs/promises').then((fs) =>
    fs.writeFile(changed, ['external_id,name,phones', 'C-1,张伟,mobile:138 0013 8000', 'C-2,Alice Smith-Jones,+1 415 555 0123', 'C-10,New Person,'].join('\n')),
  );
  const third = await importCustomersCsv(pool, changed, { region: 'CN' });
  t.same({ inserted: third.inserted, updated: third.updated, unchanged: third.unchanged, skipped: third.skipped }, { inserted: 1, updated: 2, unchanged: 0, skipped: [] });
  const { rows: c1 } = await pool.query("SELECT tier, (SELECT count(*)::int FROM customer_phones WHERE customer_id = c.id) AS phones FROM customers c WHERE external_id = 'C-1'");
  t.same(c1[0], { tier: 'gold', phones: 1 }, 'absent columns kept; the phones column replaces the numbers');
});

t.test('a file that cannot be imported says why and imports nothing', async (t) => {
  const { pool } = await createTestDatabase(t);
  const dir = t.testdir({
    'unknown.csv': 'external_id,name,shoe_size\nA,B,42\n',
    'missing.csv': 'name,phones\nA,+8613800138000\n',
    'empty.csv': '',
    'folder': {},
  });
  await t.rejects(importCustomersCsv(pool, path.join(dir, 'unknown.csv'), { region: 'CN' }), /line 1: unknown column\(s\): shoe_size/);
  await t.rejects(importCustomersCsv(pool, path.join(dir, 'missing.csv'), { region: 'CN' }), /missing required column\(s\): external_id/);
  await t.rejects(importCustomersCsv(pool, path.join(dir, 'empty.csv'), { region: 'CN' }), /is empty/);
  await t.rejects(importCustomersCsv(pool, path.join(dir, 'nope.csv'), { region: 'CN' }), /cannot read .*nope.csv: ENOENT/);
  await t.rejects(importCustomersCsv(pool, path.join(dir, 'folder'), { region: 'CN' }), /is not a file/);
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM customers');
  t.equal(rows[0]!.count, 0);
});
