import fs from 'node:fs';
import type { Logger } from '../logging/logger.js';

/** A problem in a configuration file: where, and why. */
export interface FileIssue {
  file: string;
  /** Dotted location inside the file; empty for the file (or directory) as a whole. */
  path: string;
  message: string;
}

export interface DirectoryLoad<C> {
  catalog: C | null;
  errors: FileIssue[];
  warnings: FileIssue[];
}

/** What differs between kinds of configuration directories (IVR flows, routing rules). */
export interface LiveDirectoryKind<C extends { version: number }> {
  load(dir: string, version: number): DirectoryLoad<C>;
  /** What a snapshot was built from, to tell a real change from an editor touching files. */
  fingerprint(catalog: C): string;
  /** Log fields describing a snapshot. */
  describe(catalog: C): Record<string, unknown>;
  /** Words of the log lines: `loaded`/`reloaded` follow `plural`; `singular` names one item ("IVR flow"). */
  plural: string;
  singular: string;
  /** The error thrown when the directory is invalid at start, when there is no last good version to keep. */
  invalid(errors: FileIssue[]): Error;
}

/** Editors write a file in several steps (truncate, write, rename): wait for the burst to end. */
const DEBOUNCE_MS = 200;

/**
 * A directory of configuration files kept live: loaded and validated at start
 * (refusing to start when invalid), reloaded on change. Callers take
 * `current()` once and keep that snapshot, so a reload never changes work in
 * progress; a reload that does not validate is logged and the last good set stays.
 */
export class LiveDirectory<C extends { version: number }> {
  private catalog: C;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reloads run one at a time; changes during a reload coalesce into one more. */
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private readonly listeners: ((catalog: C) => void)[] = [];

  protected constructor(
    readonly dir: string,
    private readonly logger: Logger,
    private readonly kind: LiveDirectoryKind<C>,
    catalog: C,
  ) {
    this.catalog = catalog;
  }

  /** Loads the directory; throws the kind's error listing every problem when it is invalid. */
  protected static loadOrThrow<C extends { version: number }>(dir: string, logger: Logger, kind: LiveDirectoryKind<C>): C {
    const { catalog, errors, warnings } = kind.load(dir, 1);
    if (!catalog) throw kind.invalid(errors);
    logWarnings(logger, kind, warnings);
    logger.info(kind.describe(catalog), `${kind.plural} loaded`);
    return catalog;
  }

  current(): C {
    return this.catalog;
  }

  /** Called with each new version once it is in service (not with the one loaded at start). */
  onChange(listener: (catalog: C) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the directory now; true when what is on disk is in service (changed or not). */
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
    const { kind, logger } = this;
    const previous = this.catalog;
    let result: DirectoryLoad<C>;
    try {
      result = kind.load(this.dir, previous.version + 1);
    } catch (error) {
      // Loaders report bad input as issues; anything thrown is a bug, and still must not take the server down.
      logger.error({ err: error, version: previous.version }, `${kind.plural} reload failed; keeping version ${previous.version}`);
      return false;
    }
    const { catalog, errors, warnings } = result;
    if (!catalog) {
      for (const issue of errors) {
        logger.error({ file: issue.file, path: issue.path, reason: issue.message, version: previous.version }, `${kind.singular} change rejected; keeping version ${previous.version}`);
      }
      return false;
    }
    if (kind.fingerprint(catalog) === kind.fingerprint(previous)) return true;
    logWarnings(logger, kind, warnings);
    this.catalog = catalog;
    logger.info(kind.describe(catalog), `${kind.plural} reloaded`);
    for (const listener of this.listeners) {
      try {
        listener(catalog);
      } catch (error) {
        logger.error({ err: error }, `a ${kind.singular} change listener failed`);
      }
    }
    return true;
  }

  /** Reloads after every change in the directory (debounced). Safe to call twice. */
  watch(): void {
    if (this.watcher) return;
    const { plural } = this.kind;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, () => this.schedule());
    } catch (error) {
      this.logger.error({ err: error, dir: this.dir }, `cannot watch the ${plural} directory; changes will not be reloaded`);
      return;
    }
    // e.g. the directory removed: keep serving the last good set.
    this.watcher.on('error', (error) => this.logger.error({ err: error, dir: this.dir }, `${plural} directory watch failed; changes will not be reloaded`));
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

function logWarnings<C extends { version: number }>(logger: Logger, kind: LiveDirectoryKind<C>, warnings: readonly FileIssue[]): void {
  for (const issue of warnings) logger.warn({ file: issue.file, path: issue.path, reason: issue.message }, `${kind.singular} warning`);
}
