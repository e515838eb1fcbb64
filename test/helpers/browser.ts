import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/config/paths.js';

/** Debian's chromium (apt-get install chromium); playwright-core brings no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, as root (no sandbox), and quiet on the network: without the background-networking
 * flags Chromium keeps dialling Google's hosts, which this offline machine refuses.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const chromiumInstalled = (): boolean => fs.existsSync(CHROMIUM_PATH);

/** Chromium for one test, closed at teardown. A missing browser fails the test: a skipped browser test proves nothing. */
export async function launchBrowser(t: Test): Promise<Browser> {
  if (!chromiumInstalled()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  t.teardown(() => browser.close());
  return browser;
}

export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  narrow: { width: 420, height: 800 },
} as const;

/** A fresh context (its own cookies and localStorage) and page; `errors` collects the page's script errors. */
export async function openPage(browser: Browser, viewport: { width: number; height: number } = VIEWPORTS.laptop, locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as an error; a refused login or the first /api/auth/me is expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return { context, page, errors };
}

const WEB_SOURCE = path.join(projectRoot(), 'src', 'web');
const CONSOLE_INDEX = path.join(projectRoot(), 'dist', 'web', 'agent', 'index.html');

function newestMtime(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }, 0);
}

/**
 * The console as `npm run build` makes it (dist/web/agent, which the server serves), rebuilt only
 * when a source file is newer than the build: `npm test` does not run the build itself.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (fs.existsSync(CONSOLE_INDEX) && fs.statSync(CONSOLE_INDEX).mtimeMs >= newestMtime(WEB_SOURCE)) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_SOURCE, 'vite.config.ts'), logLevel: 'warn' });
}
