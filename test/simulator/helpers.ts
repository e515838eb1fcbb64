/** Test helpers: a plain WebSocket application and a REST caller for the simulator. */
import WebSocket from 'ws';
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
