import type { AriChannelJson } from './event-mapper.js';

/**
 * The ARI operations Ringside uses, named as in Asterisk's API description
 * (api-docs/*.json, nickname per operation) with its parameter names, so each
 * can be checked against the reference. Declaring only what we call keeps the
 * adapter honest about what it needs from Asterisk.
 *
 * Every operation takes an optional AbortSignal: a command the adapter has
 * given up on must not be sent later from a queue.
 */
export interface AriApi {
  channels: {
    answer(params: { channelId: string }, signal?: AbortSignal): Promise<void>;
    /** media: comma-separated URIs (allowMultiple) */
    play(params: { channelId: string; media: string; playbackId?: string; lang?: string }, signal?: AbortSignal): Promise<AriPlaybackJson>;
    startMoh(params: { channelId: string; mohClass?: string }, signal?: AbortSignal): Promise<void>;
    stopMoh(params: { channelId: string }, signal?: AbortSignal): Promise<void>;
    originate(params: OriginateParams, signal?: AbortSignal): Promise<AriChannelJson>;
    hold(params: { channelId: string }, signal?: AbortSignal): Promise<void>;
    unhold(params: { channelId: string }, signal?: AbortSignal): Promise<void>;
    snoopChannel(params: SnoopParams, signal?: AbortSignal): Promise<AriChannelJson>;
    record(params: RecordParams, signal?: AbortSignal): Promise<{ name: string }>;
    setChannelVar(params: { channelId: string; variable: string; value: string }, signal?: AbortSignal): Promise<void>;
    getChannelVar(params: { channelId: string; variable: string }, signal?: AbortSignal): Promise<{ value: string }>;
    continueInDialplan(params: { channelId: string; context: string; extension?: string; priority?: number }, signal?: AbortSignal): Promise<void>;
    hangup(params: { channelId: string; reason?: string }, signal?: AbortSignal): Promise<void>;
    list(signal?: AbortSignal): Promise<AriChannelJson[]>;
    get(params: { channelId: string }, signal?: AbortSignal): Promise<AriChannelJson>;
  };
  bridges: {
    create(params: { type: string; bridgeId: string; name?: string }, signal?: AbortSignal): Promise<AriBridgeJson>;
    destroy(params: { bridgeId: string }, signal?: AbortSignal): Promise<void>;
    /** channel: comma-separated ids (allowMultiple) */
    addChannel(params: { bridgeId: string; channel: string }, signal?: AbortSignal): Promise<void>;
    removeChannel(params: { bridgeId: string; channel: string }, signal?: AbortSignal): Promise<void>;
    list(signal?: AbortSignal): Promise<AriBridgeJson[]>;
  };
  playbacks: { stop(params: { playbackId: string }, signal?: AbortSignal): Promise<void> };
  recordings: { stop(params: { recordingName: string }, signal?: AbortSignal): Promise<void> };
  applications: { get(params: { applicationName: string }, signal?: AbortSignal): Promise<AriApplicationJson> };
  asterisk: { getInfo(signal?: AbortSignal): Promise<unknown> };
}

export interface OriginateParams {
  endpoint: string;
  app: string;
  appArgs?: string;
  callerId?: string;
  timeout?: number;
  channelId?: string;
  /** Sent as the JSON body {"variables": {...}}, the one body parameter of originate. */
  variables?: Record<string, string>;
}

export interface SnoopParams {
  channelId: string;
  app: string;
  spy?: string;
  whisper?: string;
  appArgs?: string;
  snoopId?: string;
}

export interface RecordParams {
  channelId: string;
  name: string;
  format: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  ifExists?: string;
  beep?: boolean;
  terminateOn?: string;
}

export interface AriPlaybackJson {
  id: string;
  state?: string;
}

export interface AriBridgeJson {
  id: string;
  channels: string[];
}

export interface AriApplicationJson {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
}
