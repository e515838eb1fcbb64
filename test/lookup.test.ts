import t from 'tap';
import { lookupCaller, matchCaller } from '../src/customers/lookup.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';

async function customer(db: { query: (sql: string, params: unknown[]) => Promise<{ rows: Array<{ id: number }> }> }, name: string, value: number, phones: Array<[string, string]>): Promise<number> {
  const { rows } = await db.query('INSERT INTO customers (name, lifetime_value) VALUES ($1, $2) RETURNING id', [name, value]);
  const id = rows[0]!.id;
  for (const [e164, label] of phones) await db.query('INSERT INTO customer_phones (customer_id, e164, label) VALUES ($1, $2, $3)', [id, e164, label]);
  return id;
}

t.test('caller lookup: none, one, several, with what a screen-pop needs', async (t) => {
  const { pool } = await createTestDatabase(t);
  const solo = await customer(pool, '李雷', 500, [['+8613800138000', 'mobile']]);
  const big = await customer(pool, 'Acme Buyer', 90000, [['+862162345678', 'switchboard']]);
  const small = await customer(pool, 'Acme Clerk', 100, [['+862162345678', 'switchboard'], ['+8613900139000', 'mobile']]);
  const { rows: agents } = await pool.query<{ id: number }>("INSERT INTO users (username, display_name, role, password_hash) VALUES ('li.na', 'Li Na', 'agent', 'x') RETURNING id");
  for (let day = 1; day <= 12; day++) {
    await pool.query(
      `INSERT INTO interactions (customer_id, caller_number, arrived_at, agent_id, outcome, disposition, notes)
       VALUES ($1, '+8613800138000', now() - make_interval(days => $2), $3, 'answered', 'resolved', $4)`,
      [solo, day, agents[0]!.id, `call ${day}`],
    );
  }
  await pool.query(
    `INSERT INTO tickets (customer_id, subject, status, opened_at) VALUES
       ($1, 'old closed', 'closed', now() - interval '9 days'), ($1, 'open one', 'open', now() - interval '2 days'),
       ($1, 'pending one', 'pending', now() - interval '1 day')`,
    [solo],
  );
  for (let n = 1; n <= 7; n++) {
    await pool.query(`INSERT INTO orders (customer_id, order_number, amount, status, ordered_at) VALUES ($1, $2, 19.99, 'paid', now() - make_interval(days => $3))`, [solo, `SO-${n}`, n]);
  }

  const one = await lookupCaller(pool, '138 0013 8000', 'CN');
  t.equal(one.match, 'one');
  t.equal(one.e164, '+8613800138000');
  const [pop] = one.candidates;
  t.equal(pop!.customer.id, solo);
  t.equal(pop!.customer.name, '李雷');
  t.equal(pop!.matchedLabel, 'mobile');
  t.same(pop!.openTickets.map((ticket) => ticket.subject), ['pending one', 'open one'], 'open tickets only, newest first');
  t.equal(pop!.recentInteractions.length, 10, 'last 10 interactions');
  t.same(pop!.recentInteractions.slice(0, 2).map((i) => i.notes), ['call 1', 'call 2'], 'newest first');
  t.equal(pop!.recentInteractions[0]!.agent, 'Li Na', 'agent name, not id');
  t.same(pop!.recentOrders.map((order) => order.orderNumber), ['SO-1', 'SO-2', 'SO-3', 'SO-4', 'SO-5'], '5 most recent orders');
  t.equal(pop!.recentOrders[0]!.amount, '19.99', 'amounts stay exact');

  const several = await lookupCaller(pool, '021 6234 5678', 'CN');
  t.equal(several.match, 'several');
  t.same(several.candidates.map((c) => c.customer.id), [big, small], 'most valuable first');

  const matched = await matchCaller(pool, '+86 21 6234 5678', 'US');
  t.same({ match: matched.match, ids: matched.customerIds }, { match: 'several', ids: [big, small].sort((a, b) => a - b) });

  for (const [callerId, kind] of [['anonymous', 'withheld'], ['', 'withheld'], ['+8618612345678', 'valid'], ["'; DROP TABLE customers; --", 'invalid'], ['9'.repeat(500), 'invalid']] as const) {
    const result = await lookupCaller(pool, callerId, 'CN');
    t.equal(result.match, 'none', `${callerId.slice(0, 20)} → none`);
    t.equal(result.callerIdKind, kind);
    t.same(result.candidates, []);
  }
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM customers');
  t.equal(rows[0]!.count, 3, 'nothing dropped');
});

t.test('REST caller lookup answers for any caller ID and counts results in /metrics', async (t) => {
  const { app, auth, db } = await buildTestApp(t);
  await customer(db.pool, 'Han Meimei', 10, [['+8613800138000', 'mobile']]);
  const found = await app.inject({ url: '/api/caller-lookup?callerId=%2B8613800138000', headers: auth });
  t.equal(found.statusCode, 200);
  t.equal(found.json<{ match: string }>().match, 'one');
  const withheld = await app.inject({ url: '/api/caller-lookup?callerId=anonymous', headers: auth });
  t.same(withheld.json(), { callerId: 'anonymous', e164: null, callerIdKind: 'withheld', match: 'none', candidates: [] });
  const missing = await app.inject({ url: '/api/caller-lookup', headers: auth });
  t.equal(missing.statusCode, 400);
  const metrics = await app.inject({ url: '/metrics' });
  t.match(metrics.body, /ringside_caller_lookups_total\{result="one"\} 1/);
  t.match(metrics.body, /ringside_caller_lookups_total\{result="withheld"\} 1/);
});
