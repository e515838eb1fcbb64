/** Stasis applications, their one WebSocket each, and event delivery. */
import type { WebSocket } from 'ws';
import { asteriskTimestamp } from './clock.js';

/** An event before delivery; its timestamp is the simulator clock's time when it is sent (synchronously, at once). */
export type AriEvent = { type: string } & Record<string, unknown>;

export function makeEvent(type: string, fields: Record<string, unknown> = {}): AriEvent {
  return { type, ...fields };
}

interface Application {
  name: string;
  socket: WebSocket | null;
  channels: Set<string>;
  bridges: Set<string>;
}

/**
 * Asterisk keeps an application registered while something is subscribed to it, even with no socket, so a
 * dropped application still lists its calls. It is forgotten once it has neither a socket nor subscriptions.
 */
export class Applications {
  private readonly apps = new Map<string, Application>();
  private sentCount = 0;

  constructor(
    private readonly asteriskId: string,
    /** the simulator clock (epoch ms), for event timestamps */
    private readonly now: () => number = Date.now,
  ) {}

  connect(socket: WebSocket, names: string[]): void {
    for (const name of names) {
      const app = this.ensure(name);
      const previous = app.socket;
      if (previous && previous !== socket) {
        // The replaced socket hears about it once, then nothing more; it stays open like in Asterisk.
        this.sendTo(previous, name, makeEvent('ApplicationReplaced'));
      }
      app.socket = socket;
    }
  }

  disconnect(socket: WebSocket): void {
    for (const app of [...this.apps.values()]) {
      if (app.socket === socket) {
        app.socket = null;
        this.forgetIfIdle(app);
      }
    }
  }

  /** Sockets currently serving `name` (or every application). */
  sockets(name?: string): WebSocket[] {
    const result = new Set<WebSocket>();
    for (const app of this.apps.values()) {
      if (app.socket && (name === undefined || app.name === name)) result.add(app.socket);
    }
    return [...result];
  }

  isConnected(name: string): boolean {
    return this.apps.get(name)?.socket != null;
  }

  connectedNames(): string[] {
    return [...this.apps.values()].filter((app) => app.socket).map((app) => app.name);
  }

  list(): Array<Record<string, unknown>> {
    return [...this.apps.values()].map((app) => this.describe(app));
  }

  get(name: string): Record<string, unknown> | null {
    const app = this.apps.get(name);
    return app ? this.describe(app) : null;
  }

  subscribeChannel(name: string, channelId: string): void {
    this.ensure(name).channels.add(channelId);
  }

  unsubscribeChannel(name: string | null, channelId: string): void {
    if (name === null) return;
    const app = this.apps.get(name);
    if (!app) return;
    app.channels.delete(channelId);
    this.forgetIfIdle(app);
  }

  subscribeBridge(name: string, bridgeId: string): void {
    this.ensure(name).bridges.add(bridgeId);
  }

  unsubscribeBridge(name: string, bridgeId: string): void {
    const app = this.apps.get(name);
    if (!app) return;
    app.bridges.delete(bridgeId);
    this.forgetIfIdle(app);
  }

  /** Delivers an event to the application's socket; with no socket the event is lost, as in Asterisk. */
  emit(name: string | null, event: AriEvent): void {
    if (name === null) return;
    const socket = this.apps.get(name)?.socket;
    if (socket) this.sendTo(socket, name, event);
  }

  size(): number {
    return this.apps.size;
  }

  /** How many events have been handed to sockets so far: a test can wait until its client has read them all. */
  sent(): number {
    return this.sentCount;
  }

  private sendTo(socket: WebSocket, name: string, event: AriEvent): void {
    if (socket.readyState !== socket.OPEN) return;
    const { type, ...fields } = event;
    socket.send(JSON.stringify({ type, timestamp: asteriskTimestamp(this.now()), ...fields, asterisk_id: this.asteriskId, application: name }));
    this.sentCount++;
  }

  private ensure(name: string): Application {
    let app = this.apps.get(name);
    if (!app) {
      app = { name, socket: null, channels: new Set(), bridges: new Set() };
      this.apps.set(name, app);
    }
    return app;
  }

  private forgetIfIdle(app: Application): void {
    if (!app.socket && app.channels.size === 0 && app.bridges.size === 0) this.apps.delete(app.name);
  }

  private describe(app: Application): Record<string, unknown> {
    return {
      name: app.name,
      channel_ids: [...app.channels],
      bridge_ids: [...app.bridges],
      endpoint_ids: [],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    };
  }
}
