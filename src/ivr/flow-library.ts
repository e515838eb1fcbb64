import { LiveDirectory, type LiveDirectoryKind } from '../config/live-directory.js';
import type { Logger } from '../logging/logger.js';
import { loadFlowDirectory, type FlowCatalog } from './flow-catalog.js';
import { FlowValidationError } from './flow-issues.js';

export { FlowValidationError } from './flow-issues.js';

const FLOWS: LiveDirectoryKind<FlowCatalog> = {
  load: loadFlowDirectory,
  fingerprint: (catalog) => JSON.stringify(catalog.flows()),
  describe: (catalog) => ({ version: catalog.version, flows: catalog.flows().map((flow) => flow.name) }),
  plural: 'IVR flows',
  singular: 'IVR flow',
  invalid: (errors) => new FlowValidationError(errors),
};

/** The live set of IVR flows: a call takes `current()` once when it starts and finishes on that version. */
export class FlowLibrary extends LiveDirectory<FlowCatalog> {
  /** Loads the directory; throws FlowValidationError listing every error when it is invalid. */
  static async open(dir: string, logger: Logger): Promise<FlowLibrary> {
    await Promise.resolve();
    return new FlowLibrary(dir, logger, FLOWS, LiveDirectory.loadOrThrow(dir, logger, FLOWS));
  }
}
