import { CallRegistry, type CallFlow } from '../calls/call-registry.js';
import { CallStore } from '../calls/call-store.js';
import { WelcomeFlow } from '../calls/welcome-flow.js';
import type { Config } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { ReadinessCheck } from '../ops/readiness.js';
import type { Redis } from '../redis/client.js';
import { AriTelephony } from './ari/adapter.js';

export interface TelephonyService {
  telephony: AriTelephony;
  calls: CallRegistry;
  readiness: ReadinessCheck;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the ARI adapter to the call registry for this node. */
export function createTelephonyService(config: Config, redis: Redis, logger: Logger, flow: CallFlow = new WelcomeFlow()): TelephonyService {
  const telephony = new AriTelephony({ url: config.ari.url, user: config.ari.user, password: config.ari.password, app: config.ari.app, logger });
  const calls = new CallRegistry({
    telephony,
    store: new CallStore(redis, config.ari.app, config.nodeId),
    flow,
    fallback: { context: config.ari.fallbackContext },
    logger,
  });
  return {
    telephony,
    calls,
    readiness: {
      name: 'ari',
      probe: () => (telephony.isConnected() ? Promise.resolve() : Promise.reject(new Error('not connected to Asterisk ARI'))),
    },
    start: () => telephony.start(),
    stop: async () => {
      calls.shutdown();
      await telephony.stop();
    },
  };
}
