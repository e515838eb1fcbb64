import fs from 'node:fs';
import type { Logger } from '../logging/logger.js';
import { loadFlowDirectory, type FlowCatalog } from './flow-catalog.js';
import { FlowValidationError, type FlowIssue } from './flow-issues.js';

export { FlowValidationError } from './flow-issues.js';

/** Editors write a file in several steps (truncate, write, rename): wait for the burst to end. */
const DEBOUNCE_MS = 200;

/** What a snapshot was built from, to tell a real change from an editor touching files. */
function fingerprint(catalog: FlowCatalog): string {
  return JSON.stringify(catalog.flows());
}

/**
 * The live set of IVR flows. A call takes `current()` once when it starts
 * and keeps that snapshot, so a reload never changes a call in progress; a
 * reload that does not validate is logged and the last good set stays.
 */
export class FlowLibrary {
  private catalog: FlowCatalog;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reloads run one at a time; changes during a reload coalesce into one more. */
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
    catalog: FlowCatalog,
  ) {
    this.catalog = catalog;
  }

  /** Loads the directory; throws FlowValidationError listing every error when it is invalid. */
  static async open(dir: string, logger: Logger): Promise<FlowLibrary> {
    await Promise.resolve();
    const { catalog, errors, warnings } = loadFlowDirectory(dir, 1);
    if (!catalog) throw new FlowValidationError(errors);
    logWarnings(logger, warnings);
    logger.info({ version: catalog.version, flows: catalog.flows().map((flow) => flow.name) }, 'IVR flows loaded');
    return new FlowLibrary(dir, logger, catalog);
  }

  current(): FlowCatalog {
    return this.catalog;
  }

  /** Re-reads the directory now; true when the flows on disk are in service (changed or not). */
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
    let result: ReturnType<typeof loadFlowDirectory>;
    try {
      result = loadFlowDirectory(this.dir, previous.version + 1);
    } catch (error) {
      // loadFlowDirectory reports bad input as issues; anything thrown is a bug, and still must not take the server down.
      this.logger.error({ err: error, version: previous.version }, `IVR flow reload failed; keeping version ${previous.version}`);
      return false;
    }
    const { catalog, errors, warnings } = result;
    if (!catalog) {
      for (const issue of errors) {
        this.logger.error({ file: issue.file, path: issue.path, reason: issue.message, version: previous.version }, `IVR flow change rejected; keeping version ${previous.version}`);
      }
      return false;
    }
    if (fingerprint(catalog) === fingerprint(previous)) return true;
    logWarnings(this.logger, warnings);
    this.catalog = catalog;
    this.logger.info({ version: catalog.version, flows: catalog.flows().map((flow) => flow.name) }, 'IVR flows reloaded');
    return true;
  }

  /** Reloads after every change in the directory (debounced). Safe to call twice. */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, () => this.schedule());
    } catch (error) {
      this.logger.error({ err: error, dir: this.dir }, 'cannot watch the IVR flow directory; flows will not reload on change');
      return;
    }
    // e.g. the directory removed: keep serving the last good flows.
    this.watcher.on('error', (error) => this.logger.error({ err: error, dir: this.dir }, 'IVR flow directory watch failed; flows will not reload on change'));
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

function logWarnings(logger: Logger, warnings: readonly FlowIssue[]): void {
  for (const issue of warnings) logger.warn({ file: issue.file, path: issue.path, reason: issue.message }, 'IVR flow warning');
}
