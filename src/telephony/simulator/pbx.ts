/** The simulated PBX: every channel, bridge, playback and recording, and the lifecycle of a channel. */
import { randomUUID } from 'node:crypto';
import { asteriskTimestamp, Scheduler } from './clock.js';
import type { SimulatorClock } from './clock.js';
import { causeText } from './causes.js';
import { Applications, makeEvent } from './events.js';
import { channelSnapshot, newChannel } from './model/channel.js';
import type { Channel, ChannelState } from './model/channel.js';
import type { Bridge, LiveRecording, Playback } from './model/bridge.js';
import type { CallState, EndpointBehaviour } from './types.js';
import { SimulatorError } from './types.js';

export interface PbxOptions {
  users: Record<string, string>;
  dialplanApps: string[];
  endpoints: Record<string, EndpointBehaviour>;
  timeScale: number;
  asteriskId: string;
  /** default: the real clock */
  clock?: SimulatorClock;
}

/** How a channel ends; see endChannel. */
export interface EndOptions {
  /** fields of ChannelHangupRequest ({} for a phone hang-up), or null when none is raised (ring timeout) */
  request: Record<string, unknown> | null;
  cause: number;
  techCause?: number;
  /** final Dial status raised for a channel that was still being dialled */
  dialStatus?: string;
}

/** Hooks the media and bridge modules register so the channel lifecycle can tidy up after them. */
export interface PbxHooks {
  stopChannelMedia(pbx: Pbx, channel: Channel): void;
  leaveBridge(pbx: Pbx, channel: Channel): void;
}

const HISTORY_LIMIT = 1000;
const QOS_VARIABLES = ['RTPAUDIOQOS', 'RTPAUDIOQOSJITTER', 'RTPAUDIOQOSLOSS', 'RTPAUDIOQOSRTT', 'RTPAUDIOQOSMES'];

export class Pbx {
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly playbacks = new Map<string, Playback>();
  readonly recordings = new Map<string, LiveRecording>();
  readonly stored = new Map<string, { format: string; durationMs: number }>();
  readonly endpoints = new Map<string, EndpointBehaviour>();
  /** Channels originated to each endpoint since the start: how often a phone was rung. */
  readonly dials = new Map<string, number>();
  /** Recently ended calls, so callState() can still answer for them; bounded on purpose. */
  readonly history = new Map<string, CallState>();
  readonly apps: Applications;
  readonly scheduler: Scheduler;
  readonly startedAt: number;
  private uniqueCounter = 0;
  private nameCounter = 0;
  private snoopCounter = 0;
  private hooks: PbxHooks | null = null;

  constructor(readonly options: PbxOptions) {
    this.scheduler = new Scheduler(options.timeScale, options.clock);
    this.startedAt = this.scheduler.now();
    this.apps = new Applications(options.asteriskId, () => this.scheduler.now());
    for (const [endpoint, behaviour] of Object.entries(options.endpoints)) this.endpoints.set(endpoint, behaviour);
  }

  setHooks(hooks: PbxHooks): void {
    this.hooks = hooks;
  }

  nextUniqueId(): string {
    return `${Math.floor(this.scheduler.now() / 1000)}.${this.uniqueCounter++}`;
  }

  /** Channel names carry a global hexadecimal sequence number, like chan_pjsip's. */
  nextChannelName(prefix: string): string {
    return `${prefix}-${(this.nameCounter++).toString(16).padStart(8, '0')}`;
  }

  nextSnoopName(channelId: string): string {
    return `Snoop/${channelId}-${(this.snoopCounter++).toString(16).padStart(8, '0')}`;
  }

  newProtocolId(): string {
    return randomUUID();
  }

  requireChannel(id: string): Channel {
    const channel = this.channels.get(id);
    if (!channel) throw new SimulatorError(`no live channel ${id}`, 404);
    return channel;
  }

  emitChannel(channel: Channel, type: string, fields: Record<string, unknown> = {}): void {
    if (channel.subscriber === null) return;
    this.apps.emit(channel.subscriber, makeEvent(type, { ...fields, channel: channelSnapshot(channel) }));
  }

  setVariable(channel: Channel, variable: string, value: string): void {
    channel.variables.set(variable, value);
    this.emitChannel(channel, 'ChannelVarset', { variable, value });
  }

  setState(channel: Channel, state: ChannelState): void {
    if (channel.state === state) return;
    channel.state = state;
    this.emitChannel(channel, 'ChannelStateChange');
    this.updateSilence(channel);
  }

  createChannel(fields: Parameters<typeof newChannel>[0]): Channel {
    const channel = newChannel(fields);
    channel.silentSince = this.scheduler.now();
    this.channels.set(channel.id, channel);
    return channel;
  }

  enterStasis(channel: Channel, app: string, args: string[]): void {
    channel.stasisApp = app;
    channel.subscriber = app;
    this.apps.subscribeChannel(app, channel.id);
    this.emitChannel(channel, 'StasisStart', { args });
  }

  /** Leaves Stasis (continue): StasisEnd, then the application hears nothing more of the channel. */
  leaveStasis(channel: Channel): void {
    if (channel.stasisApp === null) return;
    this.hooks?.stopChannelMedia(this, channel);
    if (channel.bridgeId) this.hooks?.leaveBridge(this, channel);
    this.emitChannel(channel, 'StasisEnd');
    this.apps.unsubscribeChannel(channel.subscriber, channel.id);
    channel.stasisApp = null;
    channel.subscriber = null;
  }

  /**
   * Ends a channel with the event sequence Asterisk gives (see captures/README.md): QoS variables of an answered SIP
   * channel, ChannelHangupRequest, a final Dial status while dialling, cut-off media, ChannelLeftBridge, StasisEnd,
   * and ChannelDestroyed only for originated channels. Snoops of the channel end silently with it.
   */
  endChannel(channel: Channel, how: EndOptions): void {
    if (!this.channels.has(channel.id)) return;
    this.channels.delete(channel.id);
    if (channel.kind !== 'snoop' && channel.state === 'Up') {
      for (const variable of QOS_VARIABLES) this.setVariable(channel, variable, qosValue(variable));
    }
    if (how.request !== null) this.emitChannel(channel, 'ChannelHangupRequest', how.request);
    if (how.dialStatus !== undefined) this.emitDial(channel, how.dialStatus);
    this.hooks?.stopChannelMedia(this, channel);
    if (channel.bridgeId) this.hooks?.leaveBridge(this, channel);
    if (channel.stasisApp !== null) {
      this.emitChannel(channel, 'StasisEnd');
      if (channel.kind === 'originated') this.setVariable(channel, 'STASISSTATUS', 'SUCCESS');
    }
    if (channel.kind === 'originated') {
      channel.dialplan = originatedDialplan(channel.dialplan.context);
      const fields: Record<string, unknown> = { cause: how.cause, cause_txt: causeText(how.cause) };
      if (how.techCause !== undefined) fields.tech_cause = how.techCause;
      this.emitChannel(channel, 'ChannelDestroyed', fields);
    }
    for (const snoopId of [...channel.snoops]) {
      const snoop = this.channels.get(snoopId);
      if (snoop) this.endChannel(snoop, { request: null, cause: 16 });
    }
    if (channel.snoopOf) this.channels.get(channel.snoopOf)?.snoops.delete(channel.id);
    this.release(channel, how.cause);
  }

  emitDial(channel: Channel, dialstatus: string): void {
    if (channel.subscriber === null) return;
    this.apps.emit(
      channel.subscriber,
      makeEvent('Dial', { dialstatus, forward: '', dialstring: channel.dialstring, peer: channelSnapshot(channel) }),
    );
  }

  /** Removes a channel without events (the dialplan hangs up a channel no application follows). */
  dropSilently(channel: Channel, cause: number): void {
    if (!this.channels.has(channel.id)) return;
    this.channels.delete(channel.id);
    this.hooks?.stopChannelMedia(this, channel);
    if (channel.bridgeId) this.hooks?.leaveBridge(this, channel);
    this.release(channel, cause);
  }

  updateSilence(channel: Channel): void {
    const hearing = this.hears(channel);
    if (hearing) channel.silentSince = null;
    else if (channel.silentSince === null) channel.silentSince = this.scheduler.now();
  }

  callState(id: string): CallState | null {
    const channel = this.channels.get(id);
    if (!channel) return this.history.get(id) ?? null;
    return this.describe(channel, false, null);
  }

  currentMedia(channel: Channel): string | null {
    const own = channel.playbacks[0] ? this.playbacks.get(channel.playbacks[0]) : undefined;
    if (own?.state === 'playing') return own.media[own.index] ?? null;
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    const shared = bridge?.playbacks[0] ? this.playbacks.get(bridge.playbacks[0]) : undefined;
    if (shared?.state === 'playing') return shared.media[shared.index] ?? null;
    return null;
  }

  timestamp(): string {
    return asteriskTimestamp(this.scheduler.now());
  }

  private hears(channel: Channel): boolean {
    if (channel.state !== 'Up') return false;
    if (channel.moh || channel.ariHold || this.currentMedia(channel) !== null) return true;
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    return bridge !== undefined && (bridge.channels.length > 1 || bridge.moh);
  }

  private describe(channel: Channel, ended: boolean, cause: number | null): CallState {
    return {
      channelId: channel.id,
      state: ended ? 'Down' : channel.state,
      app: channel.kind === 'inbound' ? channel.homeApp : channel.stasisApp,
      ended,
      hangupCause: cause,
      bridgeId: ended ? null : channel.bridgeId,
      onHold: !ended && (channel.phoneHold || channel.ariHold),
      musicOnHold: !ended && (channel.moh || channel.ariHold),
      playing: ended ? null : this.currentMedia(channel),
      heard: [...channel.heard],
      silentSince: ended ? null : channel.silentSince,
      snoops: ended ? [] : this.snoopsOf(channel),
      snoopOf: channel.kind === 'snoop' && channel.snoopOf !== null ? { channelId: channel.snoopOf, spy: channel.snoopSpy, whisper: channel.snoopWhisper } : null,
    };
  }

  private snoopsOf(channel: Channel): CallState['snoops'] {
    return [...channel.snoops].flatMap((id) => {
      const snoop = this.channels.get(id);
      return snoop ? [{ channelId: snoop.id, spy: snoop.snoopSpy, whisper: snoop.snoopWhisper, bridgeId: snoop.bridgeId }] : [];
    });
  }

  private release(channel: Channel, cause: number): void {
    this.scheduler.cancelOwner(channel.id);
    this.apps.unsubscribeChannel(channel.subscriber, channel.id);
    if (channel.kind !== 'snoop') {
      this.history.set(channel.id, this.describe(channel, true, cause));
      if (this.history.size > HISTORY_LIMIT) {
        const oldest = this.history.keys().next().value;
        if (oldest !== undefined) this.history.delete(oldest);
      }
    }
  }
}

export function originatedDialplan(context: string): Channel['dialplan'] {
  return { context, exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
}

function qosValue(variable: string): string {
  if (variable === 'RTPAUDIOQOS') return 'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000';
  return '';
}
