import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { CUSTOMER_NUMBER, readyConsole, startConsoleSite } from '../helpers/console-site.js';
import { answerWhenRinging } from '../helpers/site.js';
import { eventually } from '../helpers/acd-site.js';

/** SCREENSHOT_DIR=docs keeps the picture of the console with the follow-up form. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-shots-'));

t.test('the agent schedules a follow-up from the console: a callback to themself, on the customer\'s history at the next call', async (t) => {
  const { db, simulator, server, customerId } = await startConsoleSite(t);
  const { page, errors } = await readyConsole(t, server, 'ann');

  await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  await page.getByTestId('customer-name').waitFor({ timeout: 15_000 });
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await page.getByTestId('agent-state').getByText('On call').waitFor();

  const form = page.getByTestId('follow-up');
  // Five days ahead at 10:30 on this machine's clock (the browser's too); at most 30 days ahead are accepted.
  const local = new Date(Date.now() + 5 * 86_400_000);
  local.setHours(10, 30, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  await form.getByLabel('Call back at').fill(`${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T10:30`);
  await form.getByLabel('Note').fill('Check the refund arrived');
  await form.getByRole('button', { name: 'Schedule follow-up' }).click();
  await form.getByRole('status').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'console-follow-up.png'), fullPage: true });
  t.match(await form.getByRole('status').textContent(), /Follow-up scheduled/);

  const { rows } = await db.pool.query<{ source: string; status: string; customer_id: number; agent_id: number; phone_e164: string; notes: string; due_at: Date; requested_by: string }>(
    'SELECT source, status, customer_id::int, agent_id::int, phone_e164, notes, due_at, requested_by FROM callbacks',
  );
  const { rows: ann } = await db.pool.query<{ id: number }>("SELECT id::int FROM users WHERE username = 'ann'");
  t.match(rows, [{ source: 'follow_up', status: 'scheduled', customer_id: customerId, agent_id: ann[0]!.id, phone_e164: CUSTOMER_NUMBER, notes: 'Check the refund arrived', requested_by: 'ann' }]);
  t.equal(rows[0]!.due_at.getTime(), local.getTime(), 'at the time the agent chose, on the browser\'s clock');

  // The caller hangs up; the form stays during wrap-up. The customer's next call shows the follow-up in the pop.
  await simulator.control.hangupEndpoint('PJSIP/3001');
  await page.getByTestId('wrap-up').waitFor();
  t.equal(await page.getByTestId('follow-up').count(), 1, 'a follow-up can be booked after the call too');
  await page.getByTestId('wrap-up').getByLabel('Disposition').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Save wrap-up' }).click();
  await eventually(async () => (await server.telephony.acd.store.getAgent(String(ann[0]!.id)))?.status === 'available', 15_000, 'ann available again');
  await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  await page.getByTestId('callbacks').waitFor({ timeout: 15_000 });
  t.match(await page.getByTestId('callbacks').textContent(), /scheduled.*follow-up.*Check the refund arrived/s, 'the pop lists the follow-up');
  t.same(errors, [], 'no errors in the page');
});
