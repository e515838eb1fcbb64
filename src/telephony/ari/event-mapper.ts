import { callerText } from '../../calls/caller-text.js';
import type { CallEvent, LegFailure } from '../../calls/telephony.js';

/** The parts of ARI event JSON Ringside reads (Asterisk 22 shapes, see api-docs/events.json). */
export interface AriChannelJson {
  id: string;
  name: string;
  state: string;
  caller?: { name?: string; number?: string };
  dialplan?: { context?: string; exten?: string };
}

export interface AriEventJson {
  type: string;
  timestamp?: string;
  args?: string[];
  channel?: AriChannelJson;
  bridge?: { id: string };
  playback?: { id: string; target_uri?: string; state?: string };
  recording?: { name: string; target_uri?: string; state?: string; duration?: number };
  digit?: string;
  duration_ms?: number;
  cause?: number;
  soft?: boolean;
  peer?: AriChannelJson;
  dialstatus?: string;
}

/** Q.850 causes Asterisk reports for legs that never came up. */
export function legFailureOf(cause: number | null): LegFailure {
  switch (cause) {
    case 17:
      return 'busy';
    case 18:
    case 19:
      return 'no-answer';
    case 21:
      return 'rejected';
    case 1:
    case 3:
    case 20:
    case 27:
    case 38:
      return 'unreachable';
    default:
      return 'failed';
  }
}

/**
 * The event types the mapper reads; every other one maps to nothing. The
 * event socket uses this to skip the rest (ChannelVarset alone is most of
 * Asterisk's traffic) without parsing them.
 */
export const MAPPED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'StasisStart',
  'ChannelStateChange',
  'ChannelDtmfReceived',
  'PlaybackStarted',
  'PlaybackFinished',
  'ChannelHangupRequest',
  'StasisEnd',
  'ChannelDestroyed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'ChannelHold',
  'ChannelUnhold',
  'RecordingFinished',
  'RecordingFailed',
]);

/** How long to wait for the ChannelDestroyed that follows an originated channel's StasisEnd. */
const ENDED_MEMORY_MS = 60_000;

const channelOfUri = (uri: string | undefined): string | null => (uri?.startsWith('channel:') ? uri.slice('channel:'.length) : null);

/**
 * Turns ARI events into domain events. Keeps just enough per-channel memory
 * to tell a hang-up from a return to the dialplan and an answered leg from a
 * failed one; that memory is dropped when the channel ends.
 */
export class AriEventMapper {
  /** Channels we originated (or snooped), until they end. */
  private readonly originated = new Set<string>();
  /** Originated legs that reached the application (were answered). */
  private readonly answeredLegs = new Set<string>();
  private readonly hangupRequested = new Map<string, { cause: number | null; byPhone: boolean }>();
  /** Ended originated channels whose ChannelDestroyed may still come, with when to stop waiting for it. */
  private readonly ended = new Map<string, number>();

  expectOriginated(channelId: string): void {
    this.originated.add(channelId);
  }

  forget(channelId: string): void {
    this.originated.delete(channelId);
    this.answeredLegs.delete(channelId);
    this.hangupRequested.delete(channelId);
    this.ended.delete(channelId);
  }

  private pruneEnded(): void {
    const now = Date.now();
    for (const [channelId, expiresAt] of this.ended) {
      if (expiresAt < now) this.ended.delete(channelId);
    }
  }

  /** How many channels it still remembers (for leak checks). */
  size(): number {
    return this.originated.size + this.answeredLegs.size + this.hangupRequested.size + this.ended.size;
  }

  map(event: AriEventJson): CallEvent[] {
    // First, so that a case below that is missing from the set fails its tests instead of dropping events unseen.
    if (!MAPPED_EVENT_TYPES.has(event.type)) return [];
    const channel = event.channel;
    switch (event.type) {
      case 'StasisStart': {
        if (!channel) return [];
        const args = event.args ?? [];
        if (this.originated.has(channel.id) || channel.name.startsWith('Snoop/')) {
          this.originated.add(channel.id);
          this.answeredLegs.add(channel.id);
          return [{ type: 'leg.answered', channelId: channel.id, args }];
        }
        return [
          {
            type: 'call.arrived',
            channelId: channel.id,
            callerNumber: callerText(channel.caller?.number),
            callerName: callerText(channel.caller?.name),
            dialledNumber: args[0] === 'inbound' && args[1] ? args[1] : (channel.dialplan?.exten ?? ''),
            args,
            at: event.timestamp ? new Date(event.timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : new Date(),
          },
        ];
      }
      case 'ChannelStateChange':
        return channel?.state === 'Up' && !this.originated.has(channel.id) ? [{ type: 'answered', channelId: channel.id }] : [];
      case 'ChannelDtmfReceived':
        return channel && event.digit ? [{ type: 'key.pressed', channelId: channel.id, digit: event.digit, durationMs: event.duration_ms ?? 0 }] : [];
      case 'PlaybackStarted':
      case 'PlaybackFinished': {
        const channelId = channelOfUri(event.playback?.target_uri);
        if (!channelId || !event.playback) return [];
        if (event.type === 'PlaybackStarted') return [{ type: 'prompt.started', channelId, promptId: event.playback.id }];
        return [{ type: 'prompt.finished', channelId, promptId: event.playback.id, state: event.playback.state === 'failed' ? 'failed' : 'done' }];
      }
      case 'ChannelHangupRequest':
        if (channel) this.hangupRequested.set(channel.id, { cause: event.cause ?? null, byPhone: event.soft === undefined && event.cause === undefined });
        return [];
      case 'StasisEnd': {
        if (!channel) return [];
        const hangup = this.hangupRequested.get(channel.id);
        if (hangup) return this.end(channel.id, hangup.cause, hangup.byPhone);
        // Snoop channels end silently with the snooped channel: StasisEnd alone, no ChannelDestroyed to wait for.
        if (channel.name.startsWith('Snoop/')) return this.end(channel.id, null, false, false);
        this.forget(channel.id);
        return [{ type: 'left-application', channelId: channel.id }];
      }
      case 'ChannelDestroyed': {
        if (!channel) return [];
        const cause = event.cause ?? null;
        if (this.originated.has(channel.id) && !this.answeredLegs.has(channel.id)) {
          this.forget(channel.id);
          return [{ type: 'leg.failed', channelId: channel.id, reason: legFailureOf(cause), cause }];
        }
        const hangup = this.hangupRequested.get(channel.id);
        return this.end(channel.id, hangup?.cause ?? cause, hangup?.byPhone ?? false);
      }
      case 'ChannelEnteredBridge':
      case 'ChannelLeftBridge':
        return channel && event.bridge
          ? [{ type: event.type === 'ChannelEnteredBridge' ? 'bridge.entered' : 'bridge.left', channelId: channel.id, bridgeId: event.bridge.id }]
          : [];
      case 'ChannelHold':
      case 'ChannelUnhold':
        return channel ? [{ type: event.type === 'ChannelHold' ? 'held' : 'unheld', channelId: channel.id }] : [];
      case 'RecordingFinished':
      case 'RecordingFailed': {
        const channelId = channelOfUri(event.recording?.target_uri);
        if (!channelId || !event.recording) return [];
        return [{ type: 'recording.finished', channelId, name: event.recording.name, durationSeconds: event.recording.duration ?? null, state: event.recording.state ?? 'done' }];
      }
      default:
        return [];
    }
  }

  /** One hung-up event per channel, however many of StasisEnd / ChannelDestroyed follow. */
  private end(channelId: string, cause: number | null, byPhone: boolean, destroyedMayFollow = true): CallEvent[] {
    if (this.ended.has(channelId)) {
      this.forget(channelId);
      return [];
    }
    const wasOriginated = this.originated.has(channelId);
    this.forget(channelId);
    // Inbound channels end with StasisEnd only; originated ones also get ChannelDestroyed, so keep a marker to swallow it.
    if (wasOriginated && destroyedMayFollow) this.ended.set(channelId, Date.now() + ENDED_MEMORY_MS);
    this.pruneEnded();
    return [{ type: 'hung-up', channelId, cause, byPhone }];
  }
}
