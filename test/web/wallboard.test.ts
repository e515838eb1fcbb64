import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/auth.js';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { CUSTOMER_NUMBER, startConsoleSite } from '../helpers/console-site.js';
import { answerWhenRinging } from '../helpers/site.js';
import { login } from '../helpers/consoles.js';

/** SCREENSHOT_DIR=docs regenerates docs/wallboard.png for the README. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-shots-'));

async function logIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/wallboard`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

t.test('the wallboard in Chromium: supervisors only, the figures move with the calls', async (t) => {
  const { db, simulator, server } = await startConsoleSite(t);
  const browser = await launchBrowser(t);

  const agentPage = await openPage(browser);
  await logIn(agentPage.page, server.url, 'ann');
  await agentPage.page.getByTestId('wallboard-refused').waitFor();
  t.match(await agentPage.page.getByRole('alert').textContent(), /for supervisors and admins; your account has the agent role/, 'an agent is refused the wallboard');
  t.equal(await agentPage.page.getByTestId('tiles').count(), 0, 'and sees no figures');

  const { page, errors } = await openPage(browser, { width: 1920, height: 1080 });
  await logIn(page, server.url, 'sue');
  const support = page.getByTestId('queue-support');
  await support.waitFor();
  t.equal(await support.getByTestId('waiting').locator('.figure-value').textContent(), '0', 'nobody waits yet');
  t.equal(await page.getByTestId('queue-billing').count(), 1, 'a tile per queue');

  // ann goes ready (over the API, as her console would); two customers call; ann's phone rings for the first.
  const annCookie = await login(server, 'ann');
  const annId = (await db.pool.query<{ id: string }>(`SELECT id::text AS id FROM users WHERE username = 'ann'`)).rows[0]!.id;
  const ready = await fetch(`${server.url}/api/agents/${annId}/state`, { method: 'POST', headers: { cookie: annCookie, 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ action: 'login' }) });
  t.equal(ready.status, 200, 'ann is ready');
  await page.getByTestId('agent-table').getByText('ann (test)').waitFor();
  const calls = [await simulator.control.placeCall({ from: CUSTOMER_NUMBER, to: '800' }), await simulator.control.placeCall({ from: '+8613900139000', to: '800' })];
  const value = (testId: string) => support.getByTestId(testId).locator('.figure-value');
  const showing = (testId: string, text: string) => support.getByTestId(testId).getByText(text, { exact: true }).waitFor({ timeout: 10_000 });
  await t.resolves(
    (async () => {
      await showing('offered', '2');
      await showing('waiting', '1');
    })(),
    'two offered, one waiting while ann’s phone rings for the other',
  );

  await answerWhenRinging(simulator, 'PJSIP/3001');
  await showing('answered', '1');
  // Whichever reached the queue first is ann's; the other still waits.
  const talking = calls.find((call) => simulator.control.callState(call.channelId)?.bridgeId);
  const waiting = calls.find((call) => call !== talking);
  if (!talking || !waiting) throw new Error('expected one call talking and one waiting');
  t.match(await page.getByTestId('agent-table').textContent(), /ann \(test\)On call/, 'the agent table shows ann on the call');
  t.match(await support.getByTestId('agents').textContent(), /0 available · 1 on call/);

  // The second caller gives up: one answered within 20 s, one abandoned → 50 % by the documented rule.
  await simulator.control.hangup(waiting.channelId);
  await showing('abandoned', '1');
  t.equal(await value('service-level').textContent(), '50 %', 'service level: answered within the threshold ÷ (answered + abandoned)');
  t.equal(await value('abandon-rate').textContent(), '50 %');
  t.equal(await value('waiting').textContent(), '0');
  t.match(await support.getAttribute('class'), /level-alert/, 'the tile is red: 50 % is far below the 80 % target');
  await page.getByTestId('history-chart').locator('canvas').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'wallboard.png') });

  // ann's caller hangs up: the talk ends; handle time follows.
  await simulator.control.hangup(talking.channelId);
  await support.getByTestId('aht').locator('.figure-value').getByText(/\d:\d\d/).waitFor({ timeout: 10_000 });
  t.pass('the average handle time appears once the call has ended');

  await page.getByRole('button', { name: 'TV' }).click();
  t.equal(await page.getByTestId('agent-table').count(), 0, 'the TV view shows the tiles only');
  t.match(page.url(), /view=tv/);
  t.same(errors, [], 'no errors in the page');
});
