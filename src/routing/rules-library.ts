import { LiveDirectory, type LiveDirectoryKind } from '../config/live-directory.js';
import { formatIssue } from '../ivr/flow-issues.js';
import type { Logger } from '../logging/logger.js';
import { loadRulesDirectory, type RulesCatalog } from './rules-catalog.js';
import type { RulesIssue } from './validate.js';

/** Thrown when the rules are invalid where there is no last good version to keep (at start). */
export class RulesValidationError extends Error {
  constructor(readonly issues: readonly RulesIssue[]) {
    super(`invalid routing rules:\n${issues.map((issue) => formatIssue(issue)).join('\n')}`);
    this.name = 'RulesValidationError';
  }
}

const RULES: LiveDirectoryKind<RulesCatalog> = {
  load: loadRulesDirectory,
  fingerprint: (catalog) => JSON.stringify([catalog.queues(), catalog.rules()]),
  describe: (catalog) => ({ version: catalog.version, queues: catalog.queues().map((queue) => queue.name), rules: catalog.rules().length }),
  plural: 'routing rules',
  singular: 'routing rules',
  invalid: (errors) => new RulesValidationError(errors),
};

/** The live routing rules: a call is routed against `current()` taken once, like the IVR flows. */
export class RulesLibrary extends LiveDirectory<RulesCatalog> {
  /** Loads the directory; throws RulesValidationError listing every error when it is invalid. */
  static async open(dir: string, logger: Logger): Promise<RulesLibrary> {
    await Promise.resolve();
    return new RulesLibrary(dir, logger, RULES, LiveDirectory.loadOrThrow(dir, logger, RULES));
  }
}
