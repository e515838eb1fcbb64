import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import {
  TelephonyError,
  type CallEvent,
  type HangupReason,
  type LiveChannel,
  type OriginateRequest,
  type PromptHandle,
  type RecordRequest,
  type SnoopRequest,
  type Telephony,
} from '../../calls/telephony.js';
import type { AriApi } from './ari-api.js';
import { AriEventSocket } from './ari-event-socket.js';
import { ariOperations } from './ari-operations.js';
import { AriHttpError, AriRest } from './ari-rest.js';
import { connectError, toTelephonyError } from './errors.js';
import { AriEventMapper, MAPPED_EVENT_TYPES, type AriEventJson } from './event-mapper.js';

/** Longest wait for an ARI command's answer (they normally take milliseconds). */
const COMMAND_TIMEOUT_MS = 10_000;

/** What the adapter reads from the event socket; the rest is dropped there, unparsed. */
const WANTED_EVENTS: ReadonlySet<string> = new Set([...MAPPED_EVENT_TYPES, 'ApplicationReplaced']);

/** Pings left unanswered before the WebSocket is deemed dead. */
const MAX_MISSED_PONGS = 3;

export interface AriOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  /** How often to ping the WebSocket; a connection silent for 3 intervals is cut and re-made. */
  pingIntervalMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /**
   * Most HTTP connections to Asterisk at once (default 32). Under a burst more
   * carry more requests at once, but Asterisk refuses sessions beyond
   * http.conf's sessionlimit (100 by default), shared by every node.
   */
  httpConnections?: number;
}

interface PromptWaiter {
  channelId: string;
  resolve: (state: 'done' | 'failed') => void;
}

/**
 * Ringside's telephony over Asterisk ARI. Owns the one WebSocket of the
 * Stasis application: reconnects with backoff for as long as it takes,
 * notices a silent connection by ping, and tells the domain after every
 * reconnection so it can rebuild from what survived. Commands go over a pool
 * of kept-alive HTTP connections that does not depend on the WebSocket.
 */
export class AriTelephony implements Telephony {
  private rest: AriRest | null = null;
  private ari: AriApi | null = null;
  private socket: AriEventSocket | null = null;
  private connected = false;
  private everConnected = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  /** Pings sent since the last pong; the connection is cut after MAX_MISSED_PONGS. */
  private missedPongs = 0;
  private lastCheck = 0;
  private readonly mapper = new AriEventMapper();
  private readonly prompts = new Map<string, PromptWaiter>();
  private readonly eventListeners: Array<(event: CallEvent) => void> = [];
  private readonly connectedListeners: Array<(reconnected: boolean) => void> = [];
  private readonly log: Logger;

  constructor(private readonly options: AriOptions) {
    this.log = options.logger.child({ component: 'ari', app: options.app });
  }

  onEvent(listener: (event: CallEvent) => void): void {
    this.eventListeners.push(listener);
  }

  onConnected(listener: (reconnected: boolean) => void): void {
    this.connectedListeners.push(listener);
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Tries once now; keeps trying in the background if Asterisk is not there yet. Never throws for connectivity. */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.rest) {
      const { url, user, password, httpConnections } = this.options;
      this.rest = new AriRest({ url, user, password, connections: httpConnections });
      this.ari = ariOperations(this.rest);
    }
    await this.connectOnce(this.options.reconnectInitialMs ?? 500);
    const interval = this.options.pingIntervalMs ?? 10_000;
    this.lastCheck = Date.now();
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.checkLiveness(interval), interval);
    this.pingTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.closeSocket();
    for (const waiter of this.prompts.values()) waiter.resolve('failed');
    this.prompts.clear();
    const rest = this.rest;
    this.rest = null;
    this.ari = null;
    await rest?.close();
  }

  /** Entries still held for live channels and prompts (for leak checks). */
  trackedCount(): number {
    return this.mapper.size() + this.prompts.size;
  }

  /**
   * One attempt: the REST check first (a wrong URL or password answers there
   * with a status we can name), then the WebSocket.
   */
  private async connectOnce(nextDelayMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.call('connect', (ari, signal) => ari.asterisk.getInfo(signal), false);
      if (this.stopped) return;
      await this.openSocket();
    } catch (error) {
      this.closeSocket();
      if (this.stopped) return;
      this.log.warn({ err: connectError(error, this.options.url), retryInMs: nextDelayMs }, 'ARI not reachable; retrying');
      this.scheduleReconnect(nextDelayMs);
    }
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    const maxMs = this.options.reconnectMaxMs ?? 30_000;
    this.reconnectTimer = setTimeout(() => void this.connectOnce(Math.min(delayMs * 2, maxMs)), delayMs);
  }

  private openSocket(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { url, user, password, app } = this.options;
      const socket = new AriEventSocket(
        { url, user, password, app, wanted: WANTED_EVENTS },
        {
          // Called from the socket's open event, before any message of it is read.
          opened: () => {
            this.socketOpened();
            resolve();
          },
          failed: reject,
          event: (raw) => this.dispatch(raw),
          unreadable: (error) => this.log.error({ err: error }, 'unreadable ARI event ignored'),
          pong: () => (this.missedPongs = 0),
          closed: (code) => this.socketLost(socket, code),
        },
      );
      this.socket = socket;
    });
  }

  private socketOpened(): void {
    this.connected = true;
    this.missedPongs = 0;
    const reconnected = this.everConnected;
    this.everConnected = true;
    this.log.info({ reconnected }, 'ARI connected');
    for (const listener of this.connectedListeners) listener(reconnected);
  }

  private socketLost(socket: AriEventSocket, code: number): void {
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.connected) this.log.warn({ code }, 'ARI WebSocket lost; reconnecting');
    this.connected = false;
    this.scheduleReconnect(this.options.reconnectInitialMs ?? 500);
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    socket?.close();
  }

  private checkLiveness(intervalMs: number): void {
    const now = Date.now();
    // When this timer itself runs late, our own event loop was busy: a pong may be waiting unread, so judge nothing.
    const ranLate = now - this.lastCheck > intervalMs * 1.5;
    this.lastCheck = now;
    if (!this.socket || !this.connected) return;
    if (!ranLate && this.missedPongs >= MAX_MISSED_PONGS) {
      this.log.warn({ missedPongs: this.missedPongs }, 'ARI WebSocket silent; cutting it to reconnect');
      this.connected = false;
      this.missedPongs = 0;
      // Whatever silenced the socket may hold our kept HTTP connections too: the next requests, the reconnection's first, get new ones.
      this.rest?.recycle();
      // Its close event brings the reconnection.
      this.socket.terminate();
      return;
    }
    if (!ranLate) this.missedPongs++;
    this.socket.ping();
  }

  private dispatch(raw: AriEventJson): void {
    if (raw.type === 'ApplicationReplaced') {
      this.log.error('another connection took over the Stasis application; check that each node uses its own ARI_APP');
      return;
    }
    let events: CallEvent[];
    try {
      events = this.mapper.map(raw);
    } catch (error) {
      this.log.error({ err: error, eventType: raw.type }, 'unreadable ARI event ignored');
      return;
    }
    for (const event of events) {
      if (event.type === 'prompt.finished') this.settlePrompt(event.promptId, event.state);
      if (event.type === 'hung-up') this.settlePromptsOf(event.channelId);
      for (const listener of this.eventListeners) listener(event);
    }
  }

  private settlePrompt(promptId: string, state: 'done' | 'failed'): void {
    const waiter = this.prompts.get(promptId);
    if (!waiter) return;
    this.prompts.delete(promptId);
    waiter.resolve(state);
  }

  private settlePromptsOf(channelId: string): void {
    for (const [promptId, waiter] of this.prompts) {
      if (waiter.channelId === channelId) this.settlePrompt(promptId, 'failed');
    }
  }

  /**
   * Every command is bounded in time: a request Asterisk never answers must not
   * hold a call forever, and one given up on is withdrawn (aborted), not sent
   * late from a queue. REST works while the WebSocket reconnects: only a
   * stopped adapter refuses commands.
   */
  private async call<T>(what: string, run: (ari: AriApi, signal: AbortSignal) => Promise<T>, mapErrors = true): Promise<T> {
    if (!this.ari) throw new TelephonyError('unavailable', 'not connected to Asterisk');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TelephonyError('unavailable', `${what}: no answer from Asterisk within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
    try {
      return await run(this.ari, controller.signal);
    } catch (error) {
      throw mapErrors ? toTelephonyError(error, what) : error;
    } finally {
      clearTimeout(timer);
    }
  }

  answer(channelId: string): Promise<void> {
    return this.call('answer', (c, signal) => c.channels.answer({ channelId }, signal));
  }

  async play(channelId: string, media: string[], options: { language?: string } = {}): Promise<PromptHandle> {
    const id = randomUUID();
    // Registered before the request: PlaybackFinished can beat the HTTP response.
    const finished = new Promise<'done' | 'failed'>((resolve) => this.prompts.set(id, { channelId, resolve }));
    try {
      await this.call('play', (c, signal) => c.channels.play({ channelId, media: media.join(','), playbackId: id, lang: options.language || undefined }, signal));
    } catch (error) {
      this.prompts.delete(id);
      throw error;
    }
    return {
      id,
      finished,
      stop: async () => {
        await this.call('stop playback', (c, signal) => c.playbacks.stop({ playbackId: id }, signal)).catch((error: unknown) => {
          // Already finished: nothing left to stop.
          if (!(error instanceof TelephonyError && error.code === 'not_found')) throw error;
          this.settlePrompt(id, 'done');
        });
      },
    };
  }

  startMusicOnHold(channelId: string, mohClass?: string): Promise<void> {
    return this.call('start music on hold', (c, signal) => c.channels.startMoh({ channelId, mohClass: mohClass || undefined }, signal));
  }

  stopMusicOnHold(channelId: string): Promise<void> {
    return this.call('stop music on hold', (c, signal) => c.channels.stopMoh({ channelId }, signal));
  }

  async originate(request: OriginateRequest): Promise<{ channelId: string }> {
    const channelId = request.channelId ?? randomUUID();
    // Its StasisStart / ChannelDestroyed can arrive before the response does.
    this.mapper.expectOriginated(channelId);
    try {
      await this.call('originate', (c, signal) =>
        c.channels.originate(
          {
            endpoint: request.endpoint,
            app: this.options.app,
            appArgs: request.appArgs.join(','),
            timeout: request.timeoutSeconds,
            channelId,
            callerId: request.callerId || undefined,
            variables: request.variables,
          },
          signal,
        ),
      );
    } catch (error) {
      this.mapper.forget(channelId);
      throw error;
    }
    return { channelId };
  }

  async createBridge(bridgeId: string = randomUUID()): Promise<{ bridgeId: string }> {
    await this.call('create bridge', (c, signal) => c.bridges.create({ type: 'mixing', bridgeId }, signal));
    return { bridgeId };
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.call('destroy bridge', (c, signal) => c.bridges.destroy({ bridgeId }, signal));
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('add to bridge', (c, signal) => c.bridges.addChannel({ bridgeId, channel: channelIds.join(',') }, signal));
  }

  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('remove from bridge', (c, signal) => c.bridges.removeChannel({ bridgeId, channel: channelIds.join(',') }, signal));
  }

  hold(channelId: string): Promise<void> {
    return this.call('hold', (c, signal) => c.channels.hold({ channelId }, signal));
  }

  unhold(channelId: string): Promise<void> {
    return this.call('unhold', (c, signal) => c.channels.unhold({ channelId }, signal));
  }

  async snoop(channelId: string, request: SnoopRequest): Promise<{ channelId: string }> {
    const snoopId = request.snoopId ?? randomUUID();
    this.mapper.expectOriginated(snoopId);
    try {
      await this.call('snoop', (c, signal) =>
        c.channels.snoopChannel({ channelId, app: this.options.app, spy: request.spy, whisper: request.whisper, snoopId, appArgs: request.appArgs?.join(',') }, signal),
      );
    } catch (error) {
      this.mapper.forget(snoopId);
      throw error;
    }
    return { channelId: snoopId };
  }

  async record(channelId: string, request: RecordRequest): Promise<{ name: string }> {
    await this.call('record', (c, signal) =>
      c.channels.record(
        {
          channelId,
          name: request.name,
          format: request.format ?? 'wav',
          ifExists: 'fail',
          maxDurationSeconds: request.maxDurationSeconds,
          maxSilenceSeconds: request.maxSilenceSeconds,
          beep: request.beep,
          terminateOn: request.terminateOn || undefined,
        },
        signal,
      ),
    );
    return { name: request.name };
  }

  stopRecording(name: string): Promise<void> {
    return this.call('stop recording', (c, signal) => c.recordings.stop({ recordingName: name }, signal));
  }

  setVariable(channelId: string, name: string, value: string): Promise<void> {
    return this.call('set variable', (c, signal) => c.channels.setChannelVar({ channelId, variable: name, value }, signal));
  }

  async getVariable(channelId: string, name: string): Promise<string | null> {
    const result = await this.call('get variable', (c, signal) =>
      c.channels.getChannelVar({ channelId, variable: name }, signal).catch((error: unknown) => {
        // Asterisk answers 404 both for a missing channel and for an unset variable; only its text tells them apart.
        if (error instanceof AriHttpError && error.status === 404 && /variable/i.test(error.reason)) return null;
        throw error;
      }),
    );
    return result?.value ?? null;
  }

  continueInDialplan(channelId: string, target: { context: string; extension?: string; priority?: number }): Promise<void> {
    return this.call('continue in dialplan', (c, signal) => c.channels.continueInDialplan({ channelId, ...target }, signal));
  }

  hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    return this.call('hangup', (c, signal) => c.channels.hangup({ channelId, reason }, signal));
  }

  async channelExists(channelId: string): Promise<boolean> {
    try {
      await this.call('get channel', (c, signal) => c.channels.get({ channelId }, signal));
      return true;
    } catch (error) {
      if (error instanceof TelephonyError && error.code === 'not_found') return false;
      throw error;
    }
  }

  async listBridges(): Promise<Array<{ bridgeId: string; channelIds: string[] }>> {
    const app = await this.call('list application', (c, signal) => c.applications.get({ applicationName: this.options.app }, signal));
    const ours = new Set(app.bridge_ids);
    const bridges = await this.call('list bridges', (c, signal) => c.bridges.list(signal));
    return bridges.filter((bridge) => ours.has(bridge.id)).map((bridge) => ({ bridgeId: bridge.id, channelIds: bridge.channels }));
  }

  async listChannels(): Promise<LiveChannel[]> {
    const app = await this.call('list application', (c, signal) => c.applications.get({ applicationName: this.options.app }, signal));
    const inApp = new Set(app.channel_ids);
    const channels = await this.call('list channels', (c, signal) => c.channels.list(signal));
    return channels
      .filter((channel) => inApp.has(channel.id))
      .map((channel) => ({ channelId: channel.id, state: channel.state, callerNumber: channel.caller?.number ?? '', dialledNumber: channel.dialplan?.exten ?? '' }));
  }
}
