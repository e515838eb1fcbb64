import t from 'tap';
import { parse } from 'csv-parse/sync';
import type { InteractionPage } from '../../src/reports/interaction-search.js';
import { buildTestApp } from '../helpers/app.js';
import { addUser } from '../helpers/auth.js';
import { insertCalls, scriptedDay } from './calls.js';

t.test('interaction search: filters, newest first, pages by cursor, CSV, bad input', async (t) => {
  const { app, auth, db } = await buildTestApp(t, { CENTER_TIMEZONE: 'Asia/Shanghai' });
  const ann = await addUser(db.pool, 'ann', 'agent');
  const ben = await addUser(db.pool, 'ben', 'agent');
  const { rows } = await db.pool.query<{ id: number }>("INSERT INTO customers (name) VALUES ('Wang Fang'), ('Li Lei') RETURNING id::int");
  const [wang, li] = [rows[0]!.id, rows[1]!.id];
  await insertCalls(db.pool, scriptedDay(ann, ben, [wang, li]));
  const search = async (query: string): Promise<InteractionPage> => {
    const response = await app.inject({ url: `/api/interactions?${query}`, headers: auth });
    t.equal(response.statusCode, 200, `${query}: ${response.body.slice(0, 200)}`);
    return response.json<InteractionPage>();
  };

  const all = await search('');
  t.equal(all.interactions.length, 16);
  t.equal(all.nextCursor, null, 'one page holds them all');
  const arrivals = all.interactions.map((row) => row.arrivedAt);
  t.same(arrivals, [...arrivals].sort().reverse(), 'newest first');
  t.match(all.interactions[0], { arrivedAt: '2026-06-01T17:00:00.000Z', agentId: String(ann), agentName: 'ann (test)', outcome: 'answered', waitSeconds: 5, talkSeconds: 100 });

  t.same((await search(`customerId=${li}`)).interactions.map((row) => [row.customerName, row.arrivedAt.slice(11, 16)]), [
    ['Li Lei', '09:09'], ['Li Lei', '09:07'], ['Li Lei', '09:05'], ['Li Lei', '09:03'], ['Li Lei', '09:01'],
  ]);
  t.equal((await search(`agentId=${ann}`)).interactions.length, 6, 'her answers, the abandon while she was rung, the next day');
  t.match((await search('queue=billing')).interactions, [{ queue: 'billing', agentId: String(ben), waitSeconds: 25 }]);
  t.same((await search('outcome=abandoned')).interactions.map((row) => row.outcomeDetail), ['ivr:menu', 'queue:support', `offered:${ann}`]);
  t.same((await search('outcome=abandoned&queue=support')).interactions.map((row) => row.waitSeconds), [50, 30], 'filters combine');
  t.equal((await search('outcome=abandoned')).interactions[0]!.waitSeconds, null, 'no wait for a call that never queued');
  t.same((await search('from=2026-06-01T09:05:00Z&to=2026-06-01T17:10')).interactions.map((row) => row.arrivedAt.slice(11, 16)), ['09:09', '09:08', '09:07', '09:06', '09:05'], 'from inclusive, to exclusive, on the center\'s clock without an offset');
  t.equal((await search('from=2026-06-02')).interactions.length, 1, 'a date is the center\'s midnight (16:00Z)');

  const walked: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: InteractionPage = await search(`limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    walked.push(...page.interactions.map((row) => row.callId ?? ''));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 10);
  t.equal(pages, 4);
  t.same(walked, all.interactions.map((row) => row.callId), 'pages of 5: every call once, in order');

  const csv = await app.inject({ url: `/api/interactions?queue=support&outcome=abandoned&limit=1`, headers: { ...auth, accept: 'text/csv' } });
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.equal(csv.headers['content-disposition'], 'attachment; filename="interactions.csv"');
  t.type(csv.headers['x-next-cursor'], 'string', 'the next page, in a header');
  const records = parse<Record<string, string>>(csv.body, { columns: true });
  t.match(records, [{ customer_name: 'Li Lei', caller_e164: '+8613800138000', queue: 'support', outcome: 'abandoned', wait_seconds: '50', answered_at: '' }]);
  t.equal(records[0]!.notes, '\'=HYPERLINK("http://evil.example","click")', 'a formula in a note is defused for spreadsheets');

  const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions')).rows[0]!.n;
  const before = await count();
  const cases: Array<[string, string, RegExp]> = [
    ['limit=5000', 'invalid_input', /querystring\/limit must be <= 1000/],
    ['limit=0', 'invalid_input', /limit must be >= 1/],
    ['outcome=lost', 'invalid_input', /outcome must be one of answered, abandoned/],
    ['customerId=abc', 'invalid_input', /customerId must be integer/],
    ['from=2026-13-01', 'invalid_date', /^from must be a date/],
    ['from=2026-06-02&to=2026-06-01T08:00', 'invalid_range', /must be before/],
    ['cursor=bm90LWEtY3Vyc29y', 'invalid_cursor', /cursor is not one this server handed out/],
  ];
  for (const [query, error, message] of cases) {
    const response = await app.inject({ url: `/api/interactions?${query}`, headers: auth });
    t.equal(response.statusCode, 400, query);
    t.match(response.json(), { error, message }, query);
  }
  t.equal(await count(), before, 'nothing changed');
});
