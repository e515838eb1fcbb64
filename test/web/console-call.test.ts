import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/auth.js';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { CUSTOMER_NUMBER, startConsoleSite } from '../helpers/console-site.js';
import { answerWhenRinging } from '../helpers/site.js';
import { login, openConsole } from '../helpers/consoles.js';
import { waitUntil } from '../helpers/telephony.js';

/** Where the README's screenshot is written: SCREENSHOT_DIR=docs regenerates docs/console.png. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-shots-'));

async function logInAndGoReady(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/agent`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('agent-state').getByText('Logged out').waitFor();
  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await page.getByTestId('agent-state').getByText('Ready').waitFor();
}

t.test('a whole call in the console: pop while ringing, hold, transfer to a queue, wrap-up notes in the customer history', async (t) => {
  const { db, simulator, server, customerId } = await startConsoleSite(t);
  const browser = await launchBrowser(t);
  const ann = await openPage(browser);
  const bob = await openPage(browser);
  await logInAndGoReady(ann.page, server.url, 'ann');
  await logInAndGoReady(bob.page, server.url, 'bob');
  // A second socket of bob's own session: everything the server sends him, to check nothing of ann's leaks.
  const bobSpy = await openConsole(server, { cookie: await login(server, 'bob'), origin: server.url });
  t.teardown(() => bobSpy.close());

  const { channelId } = await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' });
  const annState = ann.page.getByTestId('agent-state');
  await ann.page.getByTestId('customer-name').waitFor({ timeout: 15_000 });
  t.equal(await ann.page.getByTestId('customer-name').textContent(), 'Li Wei', "the pop shows the caller's name");
  t.match(await annState.textContent(), /Ringing/, 'while the phone still rings');
  t.ok(simulator.control.callState(channelId)?.ended === false, 'the caller is still waiting for the phone to be answered');
  t.match(await ann.page.getByTestId('caller-number').textContent(), CUSTOMER_NUMBER);
  t.match(await ann.page.getByTestId('interactions').textContent(), /Explained the invoice/, 'with the history');
  t.match(await ann.page.getByTestId('customer-panel').textContent(), /Invoice 42 is wrong/, 'and the open ticket');
  await ann.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'console.png') });
  t.ok(fs.statSync(path.join(SCREENSHOT_DIR, 'console.png')).size > 10_000, 'the screenshot of the pop is written');
  t.equal(await bob.page.getByTestId('customer-name').count(), 0, "bob's console shows nothing of ann's call");

  await answerWhenRinging(simulator, 'PJSIP/3001');
  await annState.getByText('On call').waitFor();
  await ann.page.getByTestId('talk-timer').waitFor();
  t.pass('the phone answered: on call, with the talk timer');

  await ann.page.getByRole('button', { name: 'Hold', exact: true }).click();
  await annState.getByText('On hold').waitFor();
  await waitUntil(() => simulator.control.callState(channelId)?.musicOnHold === true, 5000, 'the caller on hold music');
  await ann.page.getByRole('button', { name: 'Resume', exact: true }).click();
  await annState.getByText('On call').waitFor();
  await waitUntil(() => simulator.control.callState(channelId)?.musicOnHold === false, 5000, 'the caller back with ann');
  t.pass('hold and resume reach the caller');

  await ann.page.getByRole('button', { name: /Transfer/ }).first().click();
  const transfer = ann.page.getByRole('form', { name: 'Transfer the call' });
  await transfer.getByRole('combobox', { name: 'Queue' }).selectOption('billing');
  await transfer.getByLabel('Note for the next agent').fill('Wants a refund for invoice 42');
  await transfer.getByRole('button', { name: 'Transfer', exact: true }).click();
  await annState.getByText('Wrap-up').waitFor();
  t.pass('after the transfer ann is in wrap-up');

  await bob.page.getByTestId('customer-name').waitFor({ timeout: 15_000 });
  t.equal(await bob.page.getByTestId('customer-name').textContent(), 'Li Wei', "bob's pop names the same caller");
  t.match(await bob.page.getByTestId('call-card').textContent(), /Transferred by ann \(test\): Wants a refund for invoice 42/, "with ann's name and note");
  t.notMatch(await bob.page.getByTestId('call-card').textContent(), /handledBy|fromAgent|callerIdKind/, "Ringside's own bookkeeping is not shown as call attributes");
  await answerWhenRinging(simulator, 'PJSIP/3002');
  await bob.page.getByTestId('agent-state').getByText('On call').waitFor();

  const annWrapUp = ann.page.getByTestId('wrap-up');
  await annWrapUp.getByLabel('Disposition').selectOption('escalated');
  await annWrapUp.getByLabel('Notes').fill('Passed to billing for the refund');
  await annWrapUp.getByRole('button', { name: 'Save' }).click();
  await annState.getByText('Ready').waitFor();
  t.pass("ann's wrap-up is saved and she is ready again");

  await bob.page.getByRole('button', { name: /Hang up/ }).click();
  await bob.page.getByTestId('agent-state').getByText('Wrap-up').waitFor();
  await waitUntil(() => simulator.control.callState(channelId)?.ended === true, 5000, 'the caller hung up on');
  const bobWrapUp = bob.page.getByTestId('wrap-up');
  await bobWrapUp.getByLabel('Disposition').selectOption('resolved');
  await bobWrapUp.getByLabel('Notes').fill('Refund of 1280 CNY issued');
  await bobWrapUp.getByRole('button', { name: 'Save' }).click();
  await bob.page.getByTestId('agent-state').getByText('Ready').waitFor();

  const history = await db.pool.query<{ call_id: string; disposition: string; notes: string }>(
    'SELECT call_id, disposition, notes FROM interactions WHERE customer_id = $1 ORDER BY arrived_at DESC LIMIT 1',
    [customerId],
  );
  t.match(history.rows[0], { call_id: channelId, disposition: 'resolved' }, "the call is in Li Wei's history with the last agent's disposition");
  t.match(history.rows[0]?.notes, /Passed to billing for the refund[\s\S]*Refund of 1280 CNY issued/, "and both agents' notes");
  await bob.page.getByTestId('recent-calls').getByText('Li Wei').first().waitFor();
  t.pass("the call is in bob's recent calls");

  const bobPops = bobSpy.messages.filter((message) => message.type === 'pop');
  t.equal(bobPops.length, 1, 'bob got one pop: the transferred call, never ann’s');
  t.match(bobPops[0], { type: 'pop', pop: { agentId: String(await agentIdOf(db.pool, 'bob')) } });
  t.same(ann.errors, [], "no errors in ann's page");
  t.same(bob.errors, [], "no errors in bob's page");
});

async function agentIdOf(pool: { query: (text: string, values: unknown[]) => Promise<{ rows: Array<{ id: string }> }> }, username: string): Promise<string> {
  const { rows } = await pool.query('SELECT id::text AS id FROM users WHERE username = $1', [username]);
  return rows[0]!.id;
}
