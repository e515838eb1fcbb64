/** Test helpers: a plain WebSocket application and a REST caller for the simulator. */
import WebSocket from 'ws';
import type { ManualClock } from '../../src/telephony/simulator/clock.js';
import { startSimulatorInternal } from '../../src/telephony/simulator/server.js';
import type { SimulatorInternals } from '../../src/telephony/simulator/server.js';
import type { SimulatorOptions } from '../../src/telephony/simulator/types.js';

export type Event = { type: string } & Record<string, unknown>;

export async function simulator(options: SimulatorOptions = {}): Promise<SimulatorInternals> {
  return startSimulatorInternal({ port: 0, users: { ringside: 'secret' }, ...options });
}

export const AUTH = 'Basic ' + Buffer.from('ringside:secret').toString('base64');

export interface RestResult {
  status: number;
  body: unknown;
}

export async function rest(base: string, method: string, path: string, body?: unknown, auth = AUTH): Promise<RestResult> {
  const response = await fetch(`${base}/ari${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** A Stasis application over a raw WebSocket that records every event and lets a test wait for one. */
export class App {
  readonly events: Event[] = [];
  private waiters: Array<{ match: (e: Event) => boolean; resolve: (e: Event) => void }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString('utf8')) as Event;
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(event)) return true;
        w.resolve(event);
        return false;
      });
    });
  }

  static async connect(base: string, app: string, credentials = 'ringside:secret'): Promise<App> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ari/events?app=${app}&api_key=${credentials}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new App(ws);
  }

  /** Resolves with the first event (already received or future) that matches. */
  wait(type: string, predicate: (e: Event) => boolean = () => true, timeoutMs = 5000): Promise<Event> {
    const match = (e: Event): boolean => e.type === type && predicate(e);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  ofChannel(id: string): string[] {
    return this.events.filter((e) => channelOf(e) === id).map((e) => e.type);
  }

  close(): void {
    this.ws.close();
  }
}

export function channelOf(event: Event): string | undefined {
  const holder = (event.channel ?? event.peer) as { id?: string } | undefined;
  return holder?.id;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * For a simulator on a ManualClock: resolves once it has finished reacting at the current clock time, that is no
 * promise continuation or deferred work is left and the test's sockets have read every event it sent (`received`
 * counts them). Nothing else can change meanwhile (the clock stands still and the caller has no request in flight),
 * so this is exact, not a guess; the real-time limit only turns a simulator bug (an event that never arrives) into an
 * error instead of a hang.
 */
export async function settle(sim: SimulatorInternals, received: () => number, limitMs = 30_000): Promise<void> {
  const giveUp = Date.now() + limitMs;
  // One full turn of the event loop first: promise chains of any depth (a scenario step awaiting placeCall) finish.
  await nextTurn();
  while (sim.pbx.scheduler.deferredWork() > 0 || received() < sim.pbx.apps.sent()) {
    if (Date.now() > giveUp) {
      throw new Error(`simulator did not settle: ${sim.pbx.scheduler.deferredWork()} deferred, ${received()} of ${sim.pbx.apps.sent()} events read`);
    }
    await nextTurn();
  }
}

/**
 * Moves a ManualClock forward to `time`, one timer at a time, letting the simulator settle after each, as it would
 * between real timers. `until` stops early (returns true) once it holds; returns whether it held at the end.
 */
export async function advanceSettled(
  sim: SimulatorInternals,
  clock: ManualClock,
  time: number,
  received: () => number,
  until: () => boolean = () => false,
): Promise<boolean> {
  await settle(sim, received);
  while (!until() && clock.runNext(time)) await settle(sim, received);
  if (until()) return true;
  clock.advanceTo(time);
  await settle(sim, received);
  return until();
}

/**
 * On a ManualClock: runs the simulator's timers one at a time, settling after each, until `done()` holds. Throws if
 * no timer is left (or the next is beyond `limitMs` of clock time) before that: the awaited thing will never happen.
 */
export async function runUntil(sim: SimulatorInternals, clock: ManualClock, received: () => number, done: () => boolean, limitMs = 3_600_000): Promise<void> {
  if (await advanceSettled(sim, clock, clock.now() + limitMs, received, done)) return;
  throw new Error('the simulator ran out of timers before the awaited condition held');
}
