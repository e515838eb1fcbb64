import type { Test } from 'tap';
import type { CallEvent } from '../../src/calls/telephony.js';
import { AriTelephony } from '../../src/telephony/ari/adapter.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/telephony/simulator/index.js';
import { capturedLogger } from './logs.js';

export const ARI_USER = 'ringside';
export const ARI_PASSWORD = 'test-ari-password';

export interface TelephonyRig {
  simulator: RunningSimulator;
  telephony: AriTelephony;
  events: CallEvent[];
  logs: string[];
  /** The next event matching, waiting up to `ms`. */
  next: <T extends CallEvent['type']>(type: T, channelId?: string, ms?: number) => Promise<Extract<CallEvent, { type: T }>>;
}

/** A PBX simulator on a free port and the real ARI adapter connected to it; both closed at teardown. */
export async function startTelephonyRig(t: Test, options: SimulatorOptions = {}, app = 'ringside'): Promise<TelephonyRig> {
  const simulator = await startSimulator({ port: 0, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: [app], timeScale: 0.05, ...options });
  const { logger, lines } = capturedLogger([ARI_PASSWORD], 'debug');
  const telephony = new AriTelephony({ url: simulator.url, user: ARI_USER, password: ARI_PASSWORD, app, logger, pingIntervalMs: 5000, reconnectInitialMs: 50, reconnectMaxMs: 500 });
  const events: CallEvent[] = [];
  const waiters = new Set<{ match: (event: CallEvent) => boolean; resolve: (event: CallEvent) => void }>();
  telephony.onEvent((event) => {
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.match(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });
  const connected = new Promise<void>((resolve) => telephony.onConnected(() => resolve()));
  await telephony.start();
  await connected;
  t.teardown(async () => {
    await telephony.stop();
    await simulator.close();
  });
  const next = <T extends CallEvent['type']>(type: T, channelId?: string, ms = 5000): Promise<Extract<CallEvent, { type: T }>> => {
    const match = (event: CallEvent) => event.type === type && (channelId === undefined || event.channelId === channelId);
    const seen = events.find(match);
    if (seen) {
      events.splice(events.indexOf(seen), 1);
      return Promise.resolve(seen as Extract<CallEvent, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no ${type} event for ${channelId ?? 'any channel'} within ${ms} ms; saw ${events.map((e) => e.type).join(', ')}`));
      }, ms);
      const waiter = {
        match,
        resolve: (event: CallEvent) => {
          clearTimeout(timer);
          events.splice(events.indexOf(event), 1);
          resolve(event as Extract<CallEvent, { type: T }>);
        },
      };
      waiters.add(waiter);
    });
  };
  return { simulator, telephony, events, logs: lines, next };
}

export const waitUntil = async (condition: () => boolean, ms = 5000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
