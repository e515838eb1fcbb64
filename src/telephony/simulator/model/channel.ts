/** A simulated channel and its ARI JSON snapshot. */
import type { Timer } from '../clock.js';
import type { SnoopDirection } from '../types.js';

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';
export type ChannelKind = 'inbound' | 'originated' | 'snoop';

export interface CallerId {
  name: string;
  number: string;
}

export interface Dialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

export interface Channel {
  id: string;
  name: string;
  state: ChannelState;
  protocolId: string;
  caller: CallerId;
  connected: CallerId;
  dialplan: Dialplan;
  creationtime: string;
  language: string;
  kind: ChannelKind;
  /** The Stasis application the channel is in, or null (before StasisStart, after StasisEnd / continue, fallback). */
  stasisApp: string | null;
  /** The application that receives the channel's events; originated channels are subscribed before they enter Stasis. */
  subscriber: string | null;
  /** PJSIP/<resource> the simulator dialled (originated channels only). */
  endpoint: string | null;
  variables: Map<string, string>;
  bridgeId: string | null;
  moh: boolean;
  /** Hold through ARI: Asterisk plays music on hold itself, without events. */
  ariHold: boolean;
  /** Hold by the phone (re-INVITE sendonly): gives ChannelHold / ChannelUnhold. */
  phoneHold: boolean;
  muted: string | null;
  /** Playback ids queued or playing on this channel, in order; the first one is playing. */
  playbacks: string[];
  recording: string | null;
  snoops: Set<string>;
  snoopOf: string | null;
  /** A snoop channel's directions: what it hears of the snooped channel, and where its own audio goes. */
  snoopSpy: SnoopDirection;
  snoopWhisper: SnoopDirection;
  heard: string[];
  silentSince: number | null;
  /** Set while an originated channel rings: the timeout and the answer timers. */
  ringing: boolean;
  /** Dial string shown in Dial events (the resource part of the endpoint). */
  dialstring: string;
  /** The application an inbound call was delivered to (kept after StasisEnd for CallState). */
  homeApp: string | null;
  /** Originate timeout and answer timers while ringing, so answering can cancel the timeout. */
  ringTimer: Timer | null;
}

export interface ChannelSnapshot {
  id: string;
  name: string;
  state: ChannelState;
  protocol_id: string;
  caller: CallerId;
  connected: CallerId;
  accountcode: string;
  dialplan: Dialplan;
  creationtime: string;
  language: string;
}

export function channelSnapshot(channel: Channel): ChannelSnapshot {
  return {
    id: channel.id,
    name: channel.name,
    state: channel.state,
    protocol_id: channel.protocolId,
    caller: { ...channel.caller },
    connected: { ...channel.connected },
    accountcode: '',
    dialplan: { ...channel.dialplan },
    creationtime: channel.creationtime,
    language: channel.language,
  };
}

/** Parses an ARI callerId like `"Name" <+1415>` or `+1415`. */
export function parseCallerId(text: string | undefined): CallerId {
  if (!text) return { name: '', number: '' };
  const match = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(text);
  if (match) return { name: (match[1] ?? match[2] ?? '').trim(), number: (match[3] ?? '').trim() };
  return { name: '', number: text.trim() };
}

export function newChannel(fields: Pick<Channel, 'id' | 'name' | 'state' | 'protocolId' | 'caller' | 'connected' | 'dialplan' | 'creationtime' | 'kind'> & Partial<Channel>): Channel {
  return {
    language: 'en',
    stasisApp: null,
    subscriber: null,
    endpoint: null,
    variables: new Map(),
    bridgeId: null,
    moh: false,
    ariHold: false,
    phoneHold: false,
    muted: null,
    playbacks: [],
    recording: null,
    snoops: new Set(),
    snoopOf: null,
    snoopSpy: 'none',
    snoopWhisper: 'none',
    heard: [],
    silentSince: null,
    ringing: false,
    dialstring: '',
    homeApp: null,
    ringTimer: null,
    ...fields,
  };
}
