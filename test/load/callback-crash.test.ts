import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { eventually, startAcdSite, type AcdSite } from '../helpers/acd-site.js';
import { startRingside } from '../helpers/ringside-process.js';
import { waitUntil } from '../helpers/telephony.js';
import { customerPhone } from '../callbacks/callback-site.js';

// Simulated time runs 5× faster in these sites: rings and talks are short in real time.
const RULES = `queues:
  - name: support
    wrapUpSeconds: 0
    ringTimeoutSeconds: 5
    announcements: { onEntry: false, everySeconds: 0 }
    whenNoAgents: { action: wait }
    whenMaxWait: { action: wait }
    callback: { mode: agent_first, attempts: 3, retryAfterSeconds: 1, ringSeconds: 100 }
rules:
  - { name: everyone, queue: support }
`;

async function crashSite(t: Test): Promise<{ site: AcdSite; env: Record<string, string> }> {
  const site = await startAcdSite(t, { agents: 1, phone: { behaviour: 'answer', answerAfterMs: 500 }, apps: ['ringside'] });
  // The site's own testdir holds its flows; these rules go beside them.
  const rules = mkdtempSync(path.join(tmpdir(), 'ringside-callback-rules-'));
  writeFileSync(path.join(rules, 'routing.yaml'), RULES);
  t.teardown(() => rmSync(rules, { recursive: true, force: true }));
  const env = {
    ...site.env({ app: 'ringside', nodeId: 'node-1' }),
    ROUTING_RULES_DIR: rules,
    CENTER_HOURS: 'mon-sun 00:00-24:00',
    CUSTOMER_CALLING_HOURS: '00:00-24:00',
    CALLBACK_RECONCILE_SECONDS: '1',
    DEFAULT_REGION: 'CN',
  };
  return { site, env };
}

/** Web callback requests as a website's POST stores them, due now (the reconciler schedules them). */
async function requestCallbacks(site: AcdSite, numbers: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, number] of numbers.entries()) {
    const { rows } = await site.db.pool.query<{ id: number }>(
      `INSERT INTO callbacks (source, phone_e164, queue, queue_entered_at, due_at, max_attempts, requested_by)
       VALUES ('web', $1, 'support', now() - make_interval(secs => $2), now(), 3, 'test') RETURNING id::int`,
      [number, 100 - index],
    );
    ids.push(rows[0]!.id);
  }
  return ids;
}

const callbacks = async (site: AcdSite) =>
  (await site.db.pool.query<{ id: number; status: string; attempts: number; outcome_detail: string | null }>('SELECT id::int, status, attempts, outcome_detail FROM callbacks ORDER BY id')).rows;

t.test('kill -9 with callbacks waiting in line: after the restart each is dialled once, in the order of their places', async (t) => {
  const { site, env } = await crashSite(t);
  const { control } = site.simulator;
  // Customers answer at once and hang up after 5 simulated seconds.
  control.setEndpoint('PJSIP/carrier', { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 5000 });
  const numbers = ['+8613900000101', '+8613900000102', '+8613900000103'];
  const ids = await requestCallbacks(site, numbers);

  const first = await startRingside(t, { env, simulator: site.simulator });
  await eventually(async () => (await callbacks(site)).every((row) => row.status === 'queued'), 15_000, 'every callback waiting in line');
  await first.kill();

  const second = await startRingside(t, { env, simulator: site.simulator });
  await site.loginAll();
  await eventually(async () => (await callbacks(site)).every((row) => row.status === 'completed'), 40_000, 'every callback completed');
  for (const number of numbers) t.equal(control.dialsTo(customerPhone(number)), 1, `${number} dialled once`);
  t.equal(control.dialsTo(site.agents[0]!.endpoint), 3, 'the agent rung once per callback');
  t.same((await callbacks(site)).map((row) => row.attempts), [1, 1, 1]);
  const { rows } = await site.db.pool.query<{ callback_id: number }>("SELECT callback_id::int FROM interactions WHERE direction = 'outbound' AND answered_at IS NOT NULL ORDER BY answered_at");
  t.same(rows.map((row) => row.callback_id), ids, 'answered in the order of their places in line');
  t.same(second.errors(), [], 'the restarted node logged no error');
});

t.test('kill -9 while the customer\'s phone rings: answered after the restart, the customer reaches an agent; dialled once', async (t) => {
  const { site, env } = await crashSite(t);
  const { control } = site.simulator;
  const number = '+8613900000201';
  control.setEndpoint('PJSIP/carrier', { behaviour: 'manual' });
  const [id] = await requestCallbacks(site, [number]);

  const first = await startRingside(t, { env, simulator: site.simulator });
  await site.loginAll();
  await waitUntil(() => control.dialsTo(customerPhone(number)) === 1, 15_000, 'the customer rung (the agent answered first)');
  await first.kill();

  const second = await startRingside(t, { env, simulator: site.simulator });
  await second.waitForLog(/still ringing; taken back if answered/);
  await control.answerEndpoint(customerPhone(number));
  await second.waitForLog(/a call placed before a restart was answered/);
  await eventually(async () => {
    const agent = await site.store.getAgent(site.agents[0]!.agentId);
    return agent?.status === 'on_call' && agent.callId === `callback-${id}-1`;
  }, 15_000, 'the customer talking to the agent');
  await control.hangupEndpoint(customerPhone(number));
  await eventually(async () => (await callbacks(site))[0]?.status === 'completed', 15_000, 'completed').catch(async (error: unknown) => {
    t.comment(JSON.stringify(await callbacks(site)), JSON.stringify((await site.db.pool.query('SELECT call_id, answered_at, outcome, outcome_detail, ended_at FROM interactions')).rows));
    t.comment(second.lines.filter((line) => /callback|error|warn/i.test(line)).join('\n'));
    throw error;
  });
  t.match((await callbacks(site))[0], { attempts: 1, outcome_detail: 'answered' });
  t.equal(control.dialsTo(customerPhone(number)), 1, 'dialled once');
  const { rows } = await site.db.pool.query<{ outcome: string; answered_at: Date | null }>('SELECT outcome, answered_at FROM interactions WHERE call_id = $1', [`callback-${id}-1`]);
  t.match(rows, [{ outcome: 'answered' }], 'one interaction for the attempt, answered');
  t.same(second.errors(), []);
});

t.test('kill -9 in the middle of a campaign: after the restart every contact is called exactly once', async (t) => {
  const { site, env } = await crashSite(t);
  const { control } = site.simulator;
  control.setEndpoint('PJSIP/carrier', { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 5000 });
  const numbers = ['+8613900000501', '+8613900000502', '+8613900000503', '+8613900000504'];
  const { rows: campaign } = await site.db.pool.query<{ id: number }>(
    "INSERT INTO campaigns (name, queue, list, contacts, created_by) VALUES ('crash', 'support', '{\"customerIds\": []}', 4, 'test') RETURNING id::int",
  );
  await site.db.pool.query(
    `INSERT INTO callbacks (source, campaign_id, phone_e164, queue, queue_entered_at, due_at, max_attempts, requested_by)
     SELECT 'campaign', $1, n, 'support', now() + make_interval(secs => o / 1000.0), now(), 3, 'test' FROM unnest($2::text[]) WITH ORDINALITY AS l (n, o)`,
    [campaign[0]!.id, numbers],
  );
  const first = await startRingside(t, { env, simulator: site.simulator });
  await site.loginAll();
  // The first contact is on the phone with the agent when the node dies.
  await waitUntil(() => control.dialsTo(customerPhone(numbers[0]!)) === 1, 15_000, 'the first contact dialled');
  await eventually(async () => (await site.store.getAgent(site.agents[0]!.agentId))?.status === 'on_call', 10_000, 'the agent talking to the first contact');
  await first.kill();

  const second = await startRingside(t, { env, simulator: site.simulator });
  await eventually(async () => (await callbacks(site)).every((row) => row.status === 'completed'), 60_000, 'every contact completed').catch(async (error: unknown) => {
    t.comment(JSON.stringify(await callbacks(site)), JSON.stringify((await site.db.pool.query('SELECT call_id, answered_at, outcome, outcome_detail, ended_at FROM interactions')).rows));
    t.comment(second.lines.filter((line) => /callback|error|warn/i.test(line)).join('\n'));
    throw error;
  });
  for (const number of numbers) t.equal(control.dialsTo(customerPhone(number)), 1, `${number} dialled once`);
  const { rows } = await site.db.pool.query<{ status: string }>('SELECT status FROM campaigns');
  await eventually(async () => (await site.db.pool.query<{ status: string }>('SELECT status FROM campaigns')).rows[0]?.status === 'finished', 10_000, 'the campaign finished');
  t.ok(rows.length === 1);
  t.same(second.errors(), []);
});
