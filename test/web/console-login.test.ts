import t from 'tap';
import { loadConfig } from '../../src/config/env.js';
import { startServer } from '../../src/server.js';
import { startSimulator } from '../../src/telephony/simulator/index.js';
import { addUser, TEST_PASSWORD } from '../helpers/auth.js';
import { chromiumInstalled, CHROMIUM_PATH, ensureConsoleBuilt, launchBrowser, openPage } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { capturedLogger } from '../helpers/logs.js';
import { createTestRedis } from '../helpers/redis.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';

const CUSTOMER_NUMBER = '+8613800138000';

t.test('the agent console in Chromium: log in, go ready, the pop while the phone rings, Chinese', { skip: chromiumInstalled() ? false : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)` }, async (t) => {
  const db = await createTestDatabase(t);
  const { prefix } = await createTestRedis(t);
  const simulator = await startSimulator({ port: 0, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: ['ringside'], timeScale: 0.1, endpoints: { 'PJSIP/3001': { behaviour: 'manual' } } });
  t.teardown(() => simulator.close());
  await addUser(db.pool, 'ann', 'agent', { defaultEndpoint: 'PJSIP/3001', skills: { support: 5 } });
  const customer = await db.pool.query<{ id: number }>(`INSERT INTO customers (name, company, tier) VALUES ('Li Wei', 'Acme', 'gold') RETURNING id`);
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customer.rows[0]!.id, CUSTOMER_NUMBER]);
  await db.pool.query(`INSERT INTO interactions (call_id, customer_id, caller_e164, arrived_at, ended_at, outcome, disposition, notes) VALUES ('before-1', $1, $2, now() - interval '3 days', now() - interval '3 days', 'completed', 'resolved', 'Explained the invoice')`, [customer.rows[0]!.id, CUSTOMER_NUMBER]);

  const dir = t.testdir({
    flows: { 'q.yaml': 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n' },
    rules: { 'r.yaml': 'queues:\n  - { name: support, ringTimeoutSeconds: 120, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\nrules:\n  - { name: everyone, queue: support }\n' },
  });
  const config = loadConfig({
    HTTP_PORT: '0',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ARI_URL: simulator.url,
    ARI_USER,
    ARI_PASSWORD,
    IVR_FLOWS_DIR: `${dir}/flows`,
    ROUTING_RULES_DIR: `${dir}/rules`,
    DEFAULT_REGION: 'CN',
  });
  const { logger } = capturedLogger([ARI_PASSWORD, TEST_PASSWORD], 'warn');
  await ensureConsoleBuilt();
  const server = await startServer(config, logger);
  t.teardown(() => server.close());

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser);
  await page.goto(`${server.url}/agent`);

  // Refused logins: the reason, then the rate limit (another username, so ann is not locked out).
  await page.getByLabel('Username').fill('mallory');
  for (let attempt = 1; attempt <= 6; attempt += 1) {
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
  }
  t.match(await page.getByRole('alert').textContent(), /Too many failed attempts\. Try again in \d+ s\./, 'the rate limit is explained');

  await page.getByLabel('Username').fill('ann');
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  const state = page.getByTestId('agent-state');
  await state.getByText('Logged out').waitFor();
  t.match(await page.locator('.agent-name').textContent(), 'ann (test)', 'the header names the agent');

  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await state.getByText('Ready').waitFor();
  t.pass('ready');

  const { channelId } = await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  await page.getByTestId('customer-name').waitFor({ timeout: 15_000 });
  t.equal(await page.getByTestId('customer-name').textContent(), 'Li Wei', 'the pop shows the caller\'s name');
  t.match(await state.textContent(), /Ringing/, 'while the phone rings');
  t.match(await page.getByTestId('caller-number').textContent(), CUSTOMER_NUMBER);
  t.match(await page.getByTestId('interactions').textContent(), /Explained the invoice/, 'with the history');
  t.match(simulator.control.callState(channelId), { ended: false }, 'the caller still waits (the agent\'s phone keeps ringing)');

  await page.getByLabel('Language').selectOption('zh');
  await state.getByText('振铃中').waitFor();
  t.match(await page.locator('#call-heading').textContent(), '来电', 'the language switch shows Chinese');
  t.equal(await page.locator('html').getAttribute('lang'), 'zh-CN', 'the page says its language');
  await page.reload();
  await page.getByTestId('agent-state').getByText('振铃中').waitFor();
  t.pass('after a reload, the choice is remembered and the snapshot brings the ringing call back');

  t.same(errors, [], 'no errors in the page');
});
