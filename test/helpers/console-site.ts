import type { Test } from 'tap';
import type { RunningServer } from '../../src/server.js';
import type { RunningSimulator } from '../../src/telephony/simulator/index.js';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from './auth.js';
import { ensureConsoleBuilt, launchBrowser, openPage } from './browser.js';
import type { TestDatabase } from './database.js';
import { startSite } from './site.js';

export const CUSTOMER_NUMBER = '+8613800138000';

export interface ConsoleSite {
  db: TestDatabase;
  simulator: RunningSimulator;
  server: RunningServer;
  customerId: number;
  /** The site's Redis key prefix. */
  prefix: string;
}

/**
 * A whole Ringside for the browser tests, serving the built pages: ann (support, PJSIP/3001) and bob
 * (billing, PJSIP/3002) answer only when the test says; sue is their supervisor; Li Wei, a gold customer
 * with a ticket, an order and an earlier call, calls from CUSTOMER_NUMBER.
 */
export async function startConsoleSite(t: Test): Promise<ConsoleSite> {
  await ensureConsoleBuilt();
  const { db, simulator, server, prefix } = await startSite(t, {
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 5 } },
      { username: 'bob', role: 'agent', endpoint: 'PJSIP/3002', skills: { billing: 5 } },
      { username: 'sue', role: 'supervisor' },
    ],
  });
  const customer = await db.pool.query<{ id: number }>(
    `INSERT INTO customers (name, company, tier, lifetime_value, preferred_language, notes)
     VALUES ('Li Wei', 'Acme Trading', 'gold', 12500, 'zh', 'Prefers calls in the morning') RETURNING id`,
  );
  const customerId = customer.rows[0]!.id;
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customerId, CUSTOMER_NUMBER]);
  await db.pool.query(`INSERT INTO tickets (customer_id, subject, status, priority) VALUES ($1, 'Invoice 42 is wrong', 'open', 'high')`, [customerId]);
  await db.pool.query(`INSERT INTO orders (customer_id, order_number, amount, currency, status) VALUES ($1, 'SO-2026-0042', 1280, 'CNY', 'shipped')`, [customerId]);
  await db.pool.query(
    `INSERT INTO interactions (call_id, customer_id, caller_e164, arrived_at, ended_at, outcome, disposition, notes)
     VALUES ('before-1', $1, $2, now() - interval '3 days', now() - interval '3 days', 'completed', 'resolved', 'Explained the invoice')`,
    [customerId, CUSTOMER_NUMBER],
  );
  return { db, simulator, server, customerId, prefix };
}

/** A user's console in Chromium, logged in and Ready; `errors` collects what the page reports. */
export async function readyConsole(t: Test, server: RunningServer, username: string): Promise<{ page: Page; errors: string[] }> {
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser);
  await page.goto(`${server.url}/agent`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await page.getByTestId('agent-state').getByText('Ready').waitFor();
  return { page, errors };
}
