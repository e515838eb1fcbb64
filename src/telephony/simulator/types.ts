/** Public shapes of the PBX simulator; index.ts re-exports them. */
import type { SimulatorClock } from './clock.js';

export interface EndpointBehaviour {
  /** what the phone does when rung */
  behaviour: 'answer' | 'busy' | 'reject' | 'no-answer' | 'unreachable' | 'manual';
  answerAfterMs?: number; // for 'answer' (default 1000)
  hangupAfterMs?: number; // for 'answer': the agent hangs up this long after answering (default: never)
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  users?: Record<string, string>;
  dialplanApps?: string[];
  endpoints?: Record<string, EndpointBehaviour>;
  timeScale?: number;
  asteriskId?: string;
  /**
   * Where simulated time comes from (default: the real clock). Pass a `ManualClock` to make a test independent of
   * machine load: nothing timed happens until the test calls `advance(ms)`; timeScale still converts simulated ms
   * into clock ms.
   */
  clock?: SimulatorClock;
}

export interface CallerAction {
  at: number;
  press?: string;
  hangup?: true;
  hold?: true;
  unhold?: true;
}

export interface PlaceCallRequest {
  from: string;
  fromName?: string;
  to: string;
  script?: CallerAction[];
}

export interface PlacedCall {
  channelId: string;
  app: string | null;
}

/** ARI's snoop directions, from the snooped channel's side: `in` what it sends, `out` what it is sent (hears). */
export type SnoopDirection = 'none' | 'both' | 'out' | 'in';

/** A snoop channel on a call: `spy` what of the call it hears, `whisper` where its own audio is mixed in. */
export interface SnoopState {
  channelId: string;
  spy: SnoopDirection;
  whisper: SnoopDirection;
  /** The bridge the snoop channel is in (with whoever listens or whispers through it), or null. */
  bridgeId: string | null;
}

export interface CallState {
  channelId: string;
  state: 'Ring' | 'Ringing' | 'Up' | 'Down';
  app: string | null;
  ended: boolean;
  hangupCause: number | null;
  bridgeId: string | null;
  onHold: boolean;
  musicOnHold: boolean;
  playing: string | null;
  heard: string[];
  silentSince: number | null;
  /** Snoop channels on this channel now (none once it ended). */
  snoops: SnoopState[];
  /** For a snoop channel: the channel it snoops on, and its directions. */
  snoopOf: { channelId: string; spy: SnoopDirection; whisper: SnoopDirection } | null;
}

export interface SimulatorControl {
  placeCall(request: PlaceCallRequest): Promise<PlacedCall>;
  pressKeys(channelId: string, digits: string, intervalMs?: number): Promise<void>;
  hangup(channelId: string): Promise<void>;
  callState(channelId: string): CallState | null;
  setEndpoint(endpoint: string, behaviour: EndpointBehaviour): void;
  answerEndpoint(endpoint: string): Promise<void>;
  hangupEndpoint(endpoint: string): Promise<void>;
  dropConnections(app?: string): void;
  runScenario(text: string): Promise<void>;
  stats(): { channels: number; bridges: number; connectedApps: string[] };
  /** How many channels were originated to an endpoint (dial string) since the start. */
  dialsTo(endpoint: string): number;
}

export interface RunningSimulator {
  url: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

/** Thrown for bad control input; the HTTP layers turn it into a 400/404 with its message. */
export class SimulatorError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}
