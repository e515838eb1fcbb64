/** Media simulated by time: prompts last as long as the real sound files, recordings run until something stops them. */
import { makeEvent } from './events.js';
import { liveRecordingSnapshot, playbackSnapshot } from './model/bridge.js';
import type { Bridge, LiveRecording, Playback } from './model/bridge.js';
import type { Channel } from './model/channel.js';
import type { Pbx } from './pbx.js';

/** Lengths (ms) of common Asterisk core sounds; anything else is assumed to last DEFAULT_SOUND_MS. */
const SOUND_MS: Record<string, number> = {
  'hello-world': 1420,
  'vm-press': 740,
  beep: 500,
  'queue-periodic-announce': 4600,
  'queue-thankyou': 1800,
  'queue-youarenext': 1400,
  'pls-hold-while-try': 2600,
  'all-circuits-busy-now': 2300,
  'vm-intro': 4500,
  'vm-goodbye': 800,
  goodbye: 700,
  'demo-congrats': 9500,
  'tt-monkeys': 6900,
  silence: 1000,
  'agent-pass': 1300,
  'conf-onlyperson': 2300,
  'followme/pls-hold-while-try': 2600,
};
export const DEFAULT_SOUND_MS = 2000;
export const SOUND_NAMES = Object.keys(SOUND_MS);

export const MEDIA_SCHEMES = ['sound', 'recording', 'number', 'digits', 'characters', 'tone'];

/** Simulated length of one media URI, or null when the URI cannot be played. */
export function mediaDurationMs(pbx: Pbx, uri: string): number | null {
  const colon = uri.indexOf(':');
  if (colon <= 0) return null;
  const scheme = uri.slice(0, colon);
  const target = uri.slice(colon + 1);
  if (target === '') return null;
  switch (scheme) {
    case 'sound':
      return SOUND_MS[target] ?? DEFAULT_SOUND_MS;
    case 'recording':
      return pbx.stored.get(target)?.durationMs ?? null;
    case 'digits':
    case 'characters':
      return 600 * target.length;
    case 'number':
      return 800 * Math.max(1, target.replace(/[^0-9]/g, '').length);
    case 'tone':
      return DEFAULT_SOUND_MS;
    default:
      return null;
  }
}

export interface PlayRequest {
  media: string[];
  playbackId: string;
  language: string;
  offsetMs: number;
}

/** Audience of a playback: the channel or every channel of the bridge. */
function listeners(pbx: Pbx, playback: Playback): Channel[] {
  if (playback.targetUri.startsWith('channel:')) {
    const channel = pbx.channels.get(playback.targetId);
    return channel ? [channel] : [];
  }
  const bridge = pbx.bridges.get(playback.targetId);
  return bridge ? bridge.channels.map((id) => pbx.channels.get(id)).filter((c): c is Channel => c !== undefined) : [];
}

function emitPlayback(pbx: Pbx, playback: Playback, type: string): void {
  const event = makeEvent(type, { playback: playbackSnapshot(playback) });
  if (playback.targetUri.startsWith('channel:')) {
    pbx.apps.emit(pbx.channels.get(playback.targetId)?.subscriber ?? null, event);
  } else {
    for (const app of pbx.bridges.get(playback.targetId)?.apps ?? []) pbx.apps.emit(app, event);
  }
}

function queueOf(pbx: Pbx, playback: Playback): string[] | null {
  if (playback.targetUri.startsWith('channel:')) return pbx.channels.get(playback.targetId)?.playbacks ?? null;
  return pbx.bridges.get(playback.targetId)?.playbacks ?? null;
}

/** Queues a playback on a channel or bridge; it starts at once when nothing else is playing there. */
export function play(pbx: Pbx, target: Channel | Bridge, kind: 'channel' | 'bridge', request: PlayRequest): Playback {
  const playback: Playback = {
    id: request.playbackId,
    media: request.media,
    index: 0,
    targetUri: `${kind}:${target.id}`,
    targetId: target.id,
    language: request.language,
    state: 'queued',
    timer: null,
    remainingMs: 0,
    startedAt: 0,
  };
  pbx.playbacks.set(playback.id, playback);
  target.playbacks.push(playback.id);
  if (target.playbacks.length === 1) {
    // Started after the 201 is on its way, like Asterisk's playback thread.
    pbx.scheduler.soon(() => {
      if (pbx.playbacks.get(playback.id) === playback && playback.state === 'queued') startItem(pbx, playback, request.offsetMs, true);
    });
  }
  return playback;
}

function ownerKey(playback: Playback): string {
  return playback.targetId;
}

function startItem(pbx: Pbx, playback: Playback, offsetMs: number, first: boolean): void {
  const uri = playback.media[playback.index] ?? '';
  const duration = mediaDurationMs(pbx, uri);
  playback.state = 'playing';
  for (const channel of listeners(pbx, playback)) {
    // A prompt replaces music on hold, and the music does not come back by itself.
    channel.moh = false;
    channel.heard.push(uri);
    pbx.updateSilence(channel);
  }
  emitPlayback(pbx, playback, first ? 'PlaybackStarted' : 'PlaybackContinuing');
  if (duration === null) {
    finish(pbx, playback, 'failed');
    return;
  }
  playback.remainingMs = Math.max(0, duration - offsetMs);
  playRemaining(pbx, playback);
}

/** Plays the rest of the current item, then the next item or the end of the playback. */
function playRemaining(pbx: Pbx, playback: Playback): void {
  playback.startedAt = pbx.scheduler.now();
  playback.timer = pbx.scheduler.after(ownerKey(playback), playback.remainingMs, () => {
    playback.timer = null;
    if (playback.index + 1 < playback.media.length) {
      playback.index++;
      startItem(pbx, playback, 0, false);
    } else finish(pbx, playback, 'done');
  });
}

/** Ends a playback (done when it ran out or was stopped, failed when cut off) and starts the next queued one. */
export function finish(pbx: Pbx, playback: Playback, state: 'done' | 'failed', emit = true): void {
  if (pbx.playbacks.get(playback.id) !== playback) return;
  pbx.scheduler.cancel(ownerKey(playback), playback.timer);
  playback.timer = null;
  const wasQueued = playback.state === 'queued';
  playback.state = state;
  pbx.playbacks.delete(playback.id);
  const queue = queueOf(pbx, playback);
  const position = queue ? queue.indexOf(playback.id) : -1;
  if (queue && position >= 0) queue.splice(position, 1);
  if (emit && !wasQueued) emitPlayback(pbx, playback, 'PlaybackFinished');
  for (const channel of listeners(pbx, playback)) pbx.updateSilence(channel);
  const nextId = queue?.[0];
  const next = nextId ? pbx.playbacks.get(nextId) : undefined;
  if (next && next.state === 'queued' && position === 0) startItem(pbx, next, 0, true);
}

export function pausePlayback(pbx: Pbx, playback: Playback): void {
  if (playback.state !== 'playing') return;
  pbx.scheduler.cancel(ownerKey(playback), playback.timer);
  playback.timer = null;
  playback.remainingMs = Math.max(0, playback.remainingMs - pbx.scheduler.elapsedSince(playback.startedAt));
  playback.state = 'paused';
}

export function resumePlayback(pbx: Pbx, playback: Playback, restart: boolean): void {
  if (playback.state !== 'paused' && !restart) return;
  pbx.scheduler.cancel(ownerKey(playback), playback.timer);
  if (restart) {
    playback.index = 0;
    startItem(pbx, playback, 0, false);
    return;
  }
  playback.state = 'playing';
  playRemaining(pbx, playback);
}

export function startMoh(pbx: Pbx, channel: Channel): void {
  channel.moh = true;
  pbx.updateSilence(channel);
}

export function stopMoh(pbx: Pbx, channel: Channel): void {
  channel.moh = false;
  pbx.updateSilence(channel);
}

export interface RecordRequest {
  name: string;
  format: string;
  maxDurationSeconds: number;
  beep: boolean;
  terminateOn: string;
}

const BEEP_MS = 1000;

/** Starts recording; RecordingStarted is raised before the caller gets its 201, as in the captures. */
export function record(pbx: Pbx, channel: Channel, request: RecordRequest): LiveRecording {
  const recording: LiveRecording = {
    name: request.name,
    format: request.format,
    channelId: channel.id,
    state: 'recording',
    startedAt: pbx.scheduler.now(),
    terminateOn: request.terminateOn,
    timer: null,
  };
  pbx.recordings.set(recording.name, recording);
  channel.recording = recording.name;
  pbx.apps.emit(channel.subscriber, makeEvent('RecordingStarted', { recording: liveRecordingSnapshot(recording) }));
  if (request.maxDurationSeconds > 0) {
    const limit = request.maxDurationSeconds * 1000 + (request.beep ? BEEP_MS : 0);
    recording.timer = pbx.scheduler.after(channel.id, limit, () => {
      recording.timer = null;
      stopRecording(pbx, recording, 'done');
    });
  }
  return { ...recording, state: 'queued' };
}

/** Stores (done) or discards (canceled) a live recording and raises RecordingFinished. */
export function stopRecording(pbx: Pbx, recording: LiveRecording, state: 'done' | 'canceled'): void {
  if (pbx.recordings.get(recording.name) !== recording) return;
  pbx.scheduler.cancel(recording.channelId, recording.timer);
  pbx.recordings.delete(recording.name);
  const channel = pbx.channels.get(recording.channelId);
  if (channel && channel.recording === recording.name) channel.recording = null;
  const elapsedMs = pbx.scheduler.elapsedSince(recording.startedAt);
  // Asterisk reports whole seconds and rounds a partial second up.
  const duration = Math.max(0, Math.ceil(elapsedMs / 1000 - 0.05));
  recording.state = state;
  if (state === 'done') pbx.stored.set(recording.name, { format: recording.format, durationMs: duration * 1000 });
  const subscriber = channel?.subscriber ?? null;
  pbx.apps.emit(subscriber, makeEvent('RecordingFinished', { recording: liveRecordingSnapshot(recording, duration) }));
}

/** A caller's DTMF digit may end a recording (terminateOn). */
export function dtmfForRecording(pbx: Pbx, channel: Channel, digit: string): void {
  const recording = channel.recording ? pbx.recordings.get(channel.recording) : undefined;
  if (!recording) return;
  if (recording.terminateOn === 'any' || recording.terminateOn === digit) stopRecording(pbx, recording, 'done');
}

/** Everything playing or recording on a channel stops when it leaves or ends. */
export function stopChannelMedia(pbx: Pbx, channel: Channel): void {
  // Last first, so finishing the playing one does not start a queued one.
  for (const id of [...channel.playbacks].reverse()) {
    const playback = pbx.playbacks.get(id);
    if (playback) finish(pbx, playback, 'failed');
  }
  channel.playbacks.length = 0;
  const recording = channel.recording ? pbx.recordings.get(channel.recording) : undefined;
  if (recording) stopRecording(pbx, recording, 'done');
  channel.moh = false;
}

export function stopBridgeMedia(pbx: Pbx, bridge: Bridge): void {
  for (const id of [...bridge.playbacks].reverse()) {
    const playback = pbx.playbacks.get(id);
    if (playback) finish(pbx, playback, 'done', false);
  }
  bridge.playbacks.length = 0;
}
