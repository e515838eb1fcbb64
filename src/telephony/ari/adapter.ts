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
import { connectAriClient, terminateSocket, type AriClientView } from './ari-client-view.js';
import { toTelephonyError } from './errors.js';
import { AriEventMapper, type AriEventJson } from './event-mapper.js';

/** Longest wait for an ARI command's answer (they normally take milliseconds). */
const COMMAND_TIMEOUT_MS = 10_000;

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
}

interface PromptWaiter {
  channelId: string;
  resolve: (state: 'done' | 'failed') => void;
}

/**
 * Ringside's telephony over Asterisk ARI (through ari-client). Owns the one
 * WebSocket of the Stasis application: reconnects with backoff for as long as
 * it takes, notices a silent connection by ping, and tells the domain after
 * every reconnection so it can rebuild from what survived.
 */
export class AriTelephony implements Telephony {
  private client: AriClientView | null = null;
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
    await this.connectOnce(this.options.reconnectInitialMs ?? 500);
    const interval = this.options.pingIntervalMs ?? 10_000;
    this.lastCheck = Date.now();
    this.pingTimer = setInterval(() => this.checkLiveness(interval), interval);
    this.pingTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.dropClient();
    for (const waiter of this.prompts.values()) waiter.resolve('failed');
    this.prompts.clear();
    await Promise.resolve();
  }

  /** Entries still held for live channels and prompts (for leak checks). */
  trackedCount(): number {
    return this.mapper.size() + this.prompts.size;
  }

  private async connectOnce(nextDelayMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await connectAriClient(this.options.url, this.options.user, this.options.password);
      if (this.stopped) return;
      this.attach(client);
      await client.start(this.options.app);
    } catch (error) {
      this.dropClient();
      this.log.warn({ err: toTelephonyError(error, 'connect'), retryInMs: nextDelayMs }, 'ARI not reachable; retrying');
      this.scheduleReconnect(nextDelayMs);
    }
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    const maxMs = this.options.reconnectMaxMs ?? 30_000;
    this.reconnectTimer = setTimeout(() => void this.connectOnce(Math.min(delayMs * 2, maxMs)), delayMs);
  }

  private attach(client: AriClientView): void {
    this.client = client;
    client.on('*', (event) => this.dispatch(event as AriEventJson));
    client.on('pong', () => (this.missedPongs = 0));
    client.on('WebSocketConnected', () => {
      this.connected = true;
      this.missedPongs = 0;
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.log.info({ reconnected }, 'ARI connected');
      for (const listener of this.connectedListeners) listener(reconnected);
    });
    client.on('WebSocketReconnecting', () => {
      if (this.connected) this.log.warn('ARI WebSocket lost; reconnecting');
      this.connected = false;
    });
    // ari-client gives up after its own ~10 tries; from then on we start over with a new client.
    client.on('WebSocketMaxRetries', () => {
      this.connected = false;
      this.dropClient();
      this.scheduleReconnect(this.options.reconnectInitialMs ?? 500);
    });
    client.on('ApplicationReplaced', () => {
      this.log.error('another connection took over the Stasis application; check that each node uses its own ARI_APP');
    });
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (!client) return;
    client.removeAllListeners();
    // ari-client's stop() throws when the socket never opened; a half-made client has nothing to close.
    try {
      client.stop();
    } catch {
      terminateSocket(client);
    }
  }

  private checkLiveness(intervalMs: number): void {
    const now = Date.now();
    // When this timer itself runs late, our own event loop was busy: a pong may be waiting unread, so judge nothing.
    const ranLate = now - this.lastCheck > intervalMs * 1.5;
    this.lastCheck = now;
    if (!this.client || !this.connected) return;
    if (!ranLate && this.missedPongs >= MAX_MISSED_PONGS) {
      this.log.warn({ missedPongs: this.missedPongs }, 'ARI WebSocket silent; cutting it to reconnect');
      this.connected = false;
      this.missedPongs = 0;
      terminateSocket(this.client);
      return;
    }
    if (!ranLate) this.missedPongs++;
    this.client.ping();
  }

  private dispatch(raw: AriEventJson): void {
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

  /** REST works while the WebSocket reconnects: only a client that never loaded (or was dropped) refuses commands. */
  private api(): AriClientView {
    if (!this.client) throw new TelephonyError('unavailable', 'not connected to Asterisk');
    return this.client;
  }

  /** Every command is bounded in time: a request Asterisk never answers must not hold a call forever. */
  private async call<T>(what: string, run: (client: AriClientView) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TelephonyError('unavailable', `${what}: no answer from Asterisk within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
    });
    try {
      return await Promise.race([run(this.api()), timeout]);
    } catch (error) {
      throw toTelephonyError(error, what);
    } finally {
      clearTimeout(timer);
    }
  }

  answer(channelId: string): Promise<void> {
    return this.call('answer', (c) => c.channels.answer({ channelId }));
  }

  async play(channelId: string, media: string[], options: { language?: string } = {}): Promise<PromptHandle> {
    const id = randomUUID();
    // Registered before the request: PlaybackFinished can beat the HTTP response.
    const finished = new Promise<'done' | 'failed'>((resolve) => this.prompts.set(id, { channelId, resolve }));
    try {
      await this.call('play', (c) => c.channels.play({ channelId, media: media.join(','), playbackId: id, ...(options.language ? { lang: options.language } : {}) }));
    } catch (error) {
      this.prompts.delete(id);
      throw error;
    }
    return {
      id,
      finished,
      stop: async () => {
        await this.call('stop playback', (c) => c.playbacks.stop({ playbackId: id })).catch((error: unknown) => {
          // Already finished: nothing left to stop.
          if (!(error instanceof TelephonyError && error.code === 'not_found')) throw error;
          this.settlePrompt(id, 'done');
        });
      },
    };
  }

  startMusicOnHold(channelId: string, mohClass?: string): Promise<void> {
    return this.call('start music on hold', (c) => c.channels.startMoh({ channelId, ...(mohClass ? { mohClass } : {}) }));
  }

  stopMusicOnHold(channelId: string): Promise<void> {
    return this.call('stop music on hold', (c) => c.channels.stopMoh({ channelId }));
  }

  async originate(request: OriginateRequest): Promise<{ channelId: string }> {
    const channelId = request.channelId ?? randomUUID();
    // Its StasisStart / ChannelDestroyed can arrive before the response does.
    this.mapper.expectOriginated(channelId);
    try {
      await this.call('originate', (c) =>
        c.channels.originate({
          endpoint: request.endpoint,
          app: this.options.app,
          appArgs: request.appArgs.join(','),
          timeout: request.timeoutSeconds,
          channelId,
          ...(request.callerId ? { callerId: request.callerId } : {}),
          ...(request.variables ? { variables: { variables: request.variables } } : {}),
        }),
      );
    } catch (error) {
      this.mapper.forget(channelId);
      throw error;
    }
    return { channelId };
  }

  async createBridge(bridgeId: string = randomUUID()): Promise<{ bridgeId: string }> {
    await this.call('create bridge', (c) => c.bridges.create({ type: 'mixing', bridgeId }));
    return { bridgeId };
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.call('destroy bridge', (c) => c.bridges.destroy({ bridgeId }));
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('add to bridge', (c) => c.bridges.addChannel({ bridgeId, channel: channelIds.join(',') }));
  }

  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('remove from bridge', (c) => c.bridges.removeChannel({ bridgeId, channel: channelIds.join(',') }));
  }

  hold(channelId: string): Promise<void> {
    return this.call('hold', (c) => c.channels.hold({ channelId }));
  }

  unhold(channelId: string): Promise<void> {
    return this.call('unhold', (c) => c.channels.unhold({ channelId }));
  }

  async snoop(channelId: string, request: SnoopRequest): Promise<{ channelId: string }> {
    const snoopId = request.snoopId ?? randomUUID();
    this.mapper.expectOriginated(snoopId);
    try {
      await this.call('snoop', (c) =>
        c.channels.snoopChannel({
          channelId,
          app: this.options.app,
          spy: request.spy,
          whisper: request.whisper,
          snoopId,
          ...(request.appArgs ? { appArgs: request.appArgs.join(',') } : {}),
        }),
      );
    } catch (error) {
      this.mapper.forget(snoopId);
      throw error;
    }
    return { channelId: snoopId };
  }

  async record(channelId: string, request: RecordRequest): Promise<{ name: string }> {
    await this.call('record', (c) =>
      c.channels.record({
        channelId,
        name: request.name,
        format: request.format ?? 'wav',
        ifExists: 'fail',
        ...(request.maxDurationSeconds !== undefined ? { maxDurationSeconds: request.maxDurationSeconds } : {}),
        ...(request.maxSilenceSeconds !== undefined ? { maxSilenceSeconds: request.maxSilenceSeconds } : {}),
        ...(request.beep !== undefined ? { beep: request.beep } : {}),
        ...(request.terminateOn ? { terminateOn: request.terminateOn } : {}),
      }),
    );
    return { name: request.name };
  }

  stopRecording(name: string): Promise<void> {
    return this.call('stop recording', (c) => c.recordings.stop({ recordingName: name }));
  }

  setVariable(channelId: string, name: string, value: string): Promise<void> {
    return this.call('set variable', (c) => c.channels.setChannelVar({ channelId, variable: name, value }));
  }

  async getVariable(channelId: string, name: string): Promise<string | null> {
    try {
      const result = await this.call('get variable', (c) => c.channels.getChannelVar({ channelId, variable: name }));
      return result.value;
    } catch (error) {
      // Asterisk answers 404 both for a missing channel and for an unset variable.
      if (error instanceof TelephonyError && error.code === 'not_found' && /variable/i.test(error.message)) return null;
      throw error;
    }
  }

  continueInDialplan(channelId: string, target: { context: string; extension?: string; priority?: number }): Promise<void> {
    return this.call('continue in dialplan', (c) => c.channels.continueInDialplan({ channelId, ...target }));
  }

  hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    return this.call('hangup', (c) => c.channels.hangup({ channelId, reason }));
  }

  async listBridges(): Promise<Array<{ bridgeId: string; channelIds: string[] }>> {
    const app = await this.call('list application', (c) => c.applications.get({ applicationName: this.options.app }));
    const ours = new Set(app.bridge_ids);
    const bridges = await this.call('list bridges', (c) => c.bridges.list());
    return bridges.filter((bridge) => ours.has(bridge.id)).map((bridge) => ({ bridgeId: bridge.id, channelIds: bridge.channels }));
  }

  async listChannels(): Promise<LiveChannel[]> {
    const app = await this.call('list application', (c) => c.applications.get({ applicationName: this.options.app }));
    const inApp = new Set(app.channel_ids);
    const channels = await this.call('list channels', (c) => c.channels.list());
    return channels
      .filter((channel) => inApp.has(channel.id))
      .map((channel) => ({ channelId: channel.id, state: channel.state, callerNumber: channel.caller?.number ?? '', dialledNumber: channel.dialplan?.exten ?? '' }));
  }
}
