import { CallRegistry, type CallFlow } from '../calls/call-registry.js';
import { CallStore } from '../calls/call-store.js';
import type { Config } from '../config/env.js';
import type { Pool } from '../db/pool.js';
import { InteractionRecorder } from '../interactions/interaction-recorder.js';
import { FlowLibrary } from '../ivr/flow-library.js';
import { HoldingHandoff } from '../ivr/holding-handoff.js';
import { IvrCallFlow } from '../ivr/ivr-call-flow.js';
import type { Logger } from '../logging/logger.js';
import type { ReadinessCheck } from '../ops/readiness.js';
import type { Redis } from '../redis/client.js';
import { AriTelephony } from './ari/adapter.js';

export interface TelephonyService {
  telephony: AriTelephony;
  calls: CallRegistry;
  flows: FlowLibrary;
  recorder: InteractionRecorder;
  readiness: ReadinessCheck;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TelephonyServiceDependencies {
  config: Config;
  db: Pool;
  redis: Redis;
  logger: Logger;
  /** Replaces the IVR (tests). */
  flow?: CallFlow;
}

/**
 * Wires this node's call handling: the ARI adapter, the call registry and the
 * IVR over the flows in ivr-flows/ (validated at start, reloaded on change).
 * Throws FlowValidationError when the flows are invalid: the server must not start on them.
 */
export async function createTelephonyService({ config, db, redis, logger, flow }: TelephonyServiceDependencies): Promise<TelephonyService> {
  const flows = await FlowLibrary.open(config.ivrFlowsDir, logger);
  const recorder = new InteractionRecorder(db, logger);
  const ivr =
    flow ??
    new IvrCallFlow({
      flows: () => flows.current(),
      db,
      region: config.defaultRegion,
      recorder,
      handoff: new HoldingHandoff(),
      transferContext: config.ari.transferContext,
    });
  const telephony = new AriTelephony({ url: config.ari.url, user: config.ari.user, password: config.ari.password, app: config.ari.app, logger });
  const calls = new CallRegistry({
    telephony,
    store: new CallStore(redis, config.ari.app, config.nodeId),
    flow: ivr,
    fallback: { context: config.ari.fallbackContext },
    logger,
  });
  return {
    telephony,
    calls,
    flows,
    recorder,
    readiness: {
      name: 'ari',
      probe: () => (telephony.isConnected() ? Promise.resolve() : Promise.reject(new Error('not connected to Asterisk ARI'))),
    },
    start: async () => {
      flows.watch();
      await telephony.start();
    },
    stop: async () => {
      flows.close();
      calls.shutdown();
      await telephony.stop();
      await recorder.settled();
    },
  };
}
