/**
 * What the call-handling domain needs from a phone system, in its own words.
 * The ARI adapter implements it; nothing here knows ARI, HTTP or WebSockets.
 */

/** Why an agent's (or any originated) phone leg did not come up. */
export type LegFailure = 'busy' | 'no-answer' | 'rejected' | 'unreachable' | 'failed';

export type CallEvent =
  /** A caller reached Ringside (the dialplan sent the call to our application). */
  | { type: 'call.arrived'; channelId: string; callerNumber: string; callerName: string; dialledNumber: string; args: string[]; at: Date }
  /** A leg Ringside originated was answered and is now controllable. */
  | { type: 'leg.answered'; channelId: string; args: string[] }
  /** A leg Ringside originated ended before being answered. */
  | { type: 'leg.failed'; channelId: string; reason: LegFailure; cause: number | null }
  | { type: 'key.pressed'; channelId: string; digit: string; durationMs: number }
  | { type: 'prompt.started'; channelId: string; promptId: string }
  | { type: 'prompt.finished'; channelId: string; promptId: string; state: 'done' | 'failed' }
  | { type: 'answered'; channelId: string }
  /** The channel is gone (phone hung up, or we hung it up). `cause` is Q.850 when known. */
  | { type: 'hung-up'; channelId: string; cause: number | null; byPhone: boolean }
  /** The channel left Ringside's control but lives on (sent back to the dialplan). */
  | { type: 'left-application'; channelId: string }
  | { type: 'bridge.entered'; channelId: string; bridgeId: string }
  | { type: 'bridge.left'; channelId: string; bridgeId: string }
  /** The phone itself put the call on hold (ARI-initiated hold raises no event). */
  | { type: 'held'; channelId: string }
  | { type: 'unheld'; channelId: string }
  | { type: 'recording.finished'; channelId: string; name: string; durationSeconds: number | null; state: string };

export type CallEventType = CallEvent['type'];

export interface PromptHandle {
  id: string;
  /** Resolves when the prompt ends: 'done' (played out or stopped) or 'failed' (cut off or unplayable). */
  finished: Promise<'done' | 'failed'>;
  stop(): Promise<void>;
}

export interface OriginateRequest {
  /** e.g. PJSIP/1001 */
  endpoint: string;
  /** Shown on the rung phone, e.g. '"Ringside" <+14155550123>' */
  callerId?: string;
  timeoutSeconds: number;
  /** Passed back in the leg's arrival into the application. */
  appArgs: string[];
  /** Chosen by the caller so events that race the response can be matched. */
  channelId?: string;
  variables?: Record<string, string>;
}

export interface RecordRequest {
  name: string;
  format?: 'wav' | 'gsm' | 'ulaw';
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
}

export interface SnoopRequest {
  spy: 'none' | 'in' | 'out' | 'both';
  whisper: 'none' | 'in' | 'out' | 'both';
  appArgs?: string[];
  snoopId?: string;
}

export type HangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated';

/** A live channel as the phone system reports it, for rebuilding state after a reconnect. */
export interface LiveChannel {
  channelId: string;
  state: string;
  callerNumber: string;
  dialledNumber: string;
}

export interface TelephonyCommands {
  answer(channelId: string): Promise<void>;
  play(channelId: string, media: string[], options?: { language?: string }): Promise<PromptHandle>;
  startMusicOnHold(channelId: string, mohClass?: string): Promise<void>;
  stopMusicOnHold(channelId: string): Promise<void>;
  originate(request: OriginateRequest): Promise<{ channelId: string }>;
  createBridge(bridgeId?: string): Promise<{ bridgeId: string }>;
  destroyBridge(bridgeId: string): Promise<void>;
  addToBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  hold(channelId: string): Promise<void>;
  unhold(channelId: string): Promise<void>;
  snoop(channelId: string, request: SnoopRequest): Promise<{ channelId: string }>;
  record(channelId: string, request: RecordRequest): Promise<{ name: string }>;
  stopRecording(name: string): Promise<void>;
  setVariable(channelId: string, name: string, value: string): Promise<void>;
  getVariable(channelId: string, name: string): Promise<string | null>;
  continueInDialplan(channelId: string, target: { context: string; extension?: string; priority?: number }): Promise<void>;
  hangup(channelId: string, reason?: HangupReason): Promise<void>;
  /** Whether the channel is still up (its hang-up may be an event still on its way). */
  channelExists(channelId: string): Promise<boolean>;
  /** Channels currently in our application (after a reconnect: what survived). */
  listChannels(): Promise<LiveChannel[]>;
  /** Bridges of our application with the channels in each. */
  listBridges(): Promise<Array<{ bridgeId: string; channelIds: string[] }>>;
}

export interface Telephony extends TelephonyCommands {
  /** Delivers every event; the adapter calls it for events of all channels. */
  onEvent(listener: (event: CallEvent) => void): void;
  /** Called after every (re)connection, once the application's channels can be listed. */
  onConnected(listener: (reconnected: boolean) => void): void;
  isConnected(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A command the phone system refused; `code` tells the domain what to do about it. */
export class TelephonyError extends Error {
  constructor(
    readonly code: 'not_found' | 'unreachable' | 'invalid' | 'conflict' | 'unavailable' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'TelephonyError';
  }
}
