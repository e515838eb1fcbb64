/** Simulated bridges, playbacks and recordings with their ARI JSON snapshots. */
import type { Timer } from '../clock.js';


export interface Bridge {
  id: string;
  name: string;
  types: string[];
  technology: 'simple_bridge' | 'native_rtp' | 'holding_bridge';
  channels: string[];
  creationtime: string;
  /** Applications that receive the bridge's events (those of the channels that entered it). */
  apps: Set<string>;
  moh: boolean;
  playbacks: string[];
}

export interface BridgeSnapshot {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime: string;
  video_mode: string;
}

export function bridgeSnapshot(bridge: Bridge): BridgeSnapshot {
  return {
    id: bridge.id,
    technology: bridge.technology,
    bridge_type: bridge.types.includes('holding') ? 'holding' : 'mixing',
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: bridge.name,
    channels: [...bridge.channels],
    creationtime: bridge.creationtime,
    video_mode: 'talker',
  };
}

export type PlaybackState = 'queued' | 'playing' | 'paused' | 'done' | 'failed';

export interface Playback {
  id: string;
  media: string[];
  index: number;
  targetUri: string;
  /** channel or bridge id the playback belongs to */
  targetId: string;
  language: string;
  state: PlaybackState;
  timer: Timer | null;
  /** simulated ms left of the current media item, kept while paused */
  remainingMs: number;
  startedAt: number;
}

export function playbackSnapshot(playback: Playback): Record<string, string> {
  const snapshot: Record<string, string> = {
    id: playback.id,
    media_uri: playback.media[playback.index] ?? playback.media[0] ?? '',
    target_uri: playback.targetUri,
    language: playback.language,
    state: playback.state,
  };
  const next = playback.media[playback.index + 1];
  if (next !== undefined && (playback.state === 'playing' || playback.state === 'queued')) snapshot.next_media_uri = next;
  return snapshot;
}

export interface LiveRecording {
  name: string;
  format: string;
  channelId: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  startedAt: number;
  terminateOn: string;
  timer: Timer | null;
}

export function liveRecordingSnapshot(recording: LiveRecording, duration?: number): Record<string, string | number> {
  const snapshot: Record<string, string | number> = {
    name: recording.name,
    format: recording.format,
    state: recording.state,
    target_uri: `channel:${recording.channelId}`,
  };
  if (duration !== undefined) snapshot.duration = duration;
  return snapshot;
}
