import t from 'tap';
import { deleteKeysMatching } from '../../src/redis/client.js';
import { readyConsole, startConsoleSite } from '../helpers/console-site.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

t.test('Redis loses the ACD state under a ready agent: the console says why they are logged out, and Ready logs them in again', async (t) => {
  const { server, prefix } = await startConsoleSite(t);
  const { page, errors } = await readyConsole(t, server, 'ann');
  const state = page.getByTestId('agent-state');

  // Every ACD key gone at once, as after a Redis restart without persistence (the session, kept apart, survives here).
  await deleteKeysMatching(TEST_REDIS_URL, `${prefix}{acd}:*`);
  const idle = page.getByTestId('idle');
  await idle.getByText('A system fault erased your place in the queues').waitFor({ timeout: 15_000 });
  t.match(await state.textContent(), /Logged out/, 'the state shows logged out');
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/console-state-lost.png` });

  const language = page.locator('.language select');
  await language.selectOption('zh');
  await idle.getByText('系统故障导致您在队列中的状态丢失').waitFor();
  t.pass('and in Chinese');
  await language.selectOption('en');

  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await state.getByText('Ready').waitFor();
  t.match(await idle.textContent(), /^Ready\./, 'logged in again, the notice is gone');
  t.same(errors, [], 'no errors in the page');
});
