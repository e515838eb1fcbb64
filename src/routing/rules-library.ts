import fs from 'node:fs';
import { formatIssue } from '../ivr/flow-issues.js';
import type { Logger } from '../logging/logger.js';
import { loadRulesDirectory, type RulesCatalog } from './rules-catalog.js';
import type { RulesIssue } from './validate.js';

/** Editors write a file in several steps (truncate, write, rename): wait for the burst to end. */
const DEBOUNCE_MS = 200;

/** Thrown when the rules are invalid where there is no last good version to keep (at start). */
export class RulesValidationError extends Error {
  constructor(readonly issues: readonly RulesIssue[]) {
    super(`invalid routing rules:\n${issues.map((issue) => formatIssue(issue)).join('\n')}`);
    this.name = 'RulesValidationError';
  }
}

/** What a snapshot was built from, to tell a real change from an editor touching files. */
function fingerprint(catalog: RulesCatalog): string {
  return JSON.stringify([catalog.queues(), catalog.rules()]);
}

/**
 * The live routing rules, with the IVR FlowLibrary's behaviour: a call is
 * routed against `current()` taken once; a reload that does not validate is
 * logged and the last good set stays in service.
 */
export class RulesLibrary {
  private catalog: RulesCatalog;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reloads run one at a time; changes during a reload coalesce into one more. */
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
    catalog: RulesCatalog,
  ) {
    this.catalog = catalog;
  }

  /** Loads the directory; throws RulesValidationError listing every error when it is invalid. */
  static async open(dir: string, logger: Logger): Promise<RulesLibrary> {
    await Promise.resolve();
    const { catalog, errors, warnings } = loadRulesDirectory(dir, 1);
    if (!catalog) throw new RulesValidationError(errors);
    logWarnings(logger, warnings);
    logger.info({ version: catalog.version, queues: catalog.queues().map((queue) => queue.name), rules: catalog.rules().length }, 'routing rules loaded');
    return new RulesLibrary(dir, logger, catalog);
  }

  current(): RulesCatalog {
    return this.catalog;
  }

  /** Re-reads the directory now; true when the rules on disk are in service (changed or not). */
  reload(): Promise<boolean> {
    if (!this.running) {
      this.running = this.reloadOnce().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // A change landed while reading: read once more after this pass, however many callers ask.
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.reload();
    });
    return this.queued;
  }

  private async reloadOnce(): Promise<boolean> {
    await Promise.resolve();
    const previous = this.catalog;
    let result: ReturnType<typeof loadRulesDirectory>;
    try {
      result = loadRulesDirectory(this.dir, previous.version + 1);
    } catch (error) {
      // loadRulesDirectory reports bad input as issues; anything thrown is a bug, and still must not take the server down.
      this.logger.error({ err: error, version: previous.version }, `routing rules reload failed; keeping version ${previous.version}`);
      return false;
    }
    const { catalog, errors, warnings } = result;
    if (!catalog) {
      for (const issue of errors) {
        this.logger.error({ file: issue.file, path: issue.path, reason: issue.message, version: previous.version }, `routing rules change rejected; keeping version ${previous.version}`);
      }
      return false;
    }
    if (fingerprint(catalog) === fingerprint(previous)) return true;
    logWarnings(this.logger, warnings);
    this.catalog = catalog;
    this.logger.info({ version: catalog.version, queues: catalog.queues().map((queue) => queue.name), rules: catalog.rules().length }, 'routing rules reloaded');
    return true;
  }

  /** Reloads after every change in the directory (debounced). Safe to call twice. */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, () => this.schedule());
    } catch (error) {
      this.logger.error({ err: error, dir: this.dir }, 'cannot watch the routing rules directory; rules will not reload on change');
      return;
    }
    // e.g. the directory removed: keep serving the last good rules.
    this.watcher.on('error', (error) => this.logger.error({ err: error, dir: this.dir }, 'routing rules directory watch failed; rules will not reload on change'));
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Stops watching; idempotent. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }
}

function logWarnings(logger: Logger, warnings: readonly RulesIssue[]): void {
  for (const issue of warnings) logger.warn({ file: issue.file, path: issue.path, reason: issue.message }, 'routing rules warning');
}
