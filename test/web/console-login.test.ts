import t from 'tap';
import { TEST_PASSWORD } from '../helpers/auth.js';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { CUSTOMER_NUMBER, startConsoleSite } from '../helpers/console-site.js';

t.test('the agent console in Chromium: log in, go ready, the pop while the phone rings, Chinese', async (t) => {
  const { simulator, server } = await startConsoleSite(t);

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
