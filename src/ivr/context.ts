import type { CallSession } from '../calls/call-session.js';
import type { CallEvent } from '../calls/telephony.js';
import type { Pool } from '../db/pool.js';
import type { InteractionRecorder, InteractionOutcome } from '../interactions/interaction-recorder.js';
import type { CountryCode } from 'libphonenumber-js/max';
import type { CallFacts } from './facts.js';
import type { Flow } from './schema.js';

export type KeyEvent = Extract<CallEvent, { type: 'key.pressed' }>;

export const isKeyOf = (channelId: string) => (event: CallEvent): event is KeyEvent => event.type === 'key.pressed' && event.channelId === channelId;

/** Where a queued call goes: the ACD when it exists; until then a hand-off that keeps the caller waiting on hold. */
export interface QueueHandoff {
  enqueue(
    session: CallSession,
    request: { queue: string; priority: number; skills: string[]; attributes: Record<string, unknown>; facts: CallFacts },
    /** Sets the outcome the call's interaction closes with (answered, abandoned in queue / while offered). */
    settle: (outcome: InteractionOutcome, detail: string) => void,
  ): Promise<void>;
}

export interface IvrDependencies {
  db: Pool;
  region: CountryCode;
  recorder: InteractionRecorder;
  handoff: QueueHandoff;
  /** Another flow by name, for transfers between flows (the catalog the call started with). */
  flowByName: (name: string) => Flow | undefined;
  /** Dialplan context that dials external numbers (asterisk/extensions.conf: ringside-transfer). */
  transferContext: string;
  now: () => Date;
}

/** The outcome the call will be closed with if it ends now; steps move it forward. */
export interface PendingOutcome {
  outcome: InteractionOutcome;
  detail: string | null;
}

export interface IvrRun {
  session: CallSession;
  flow: Flow;
  facts: CallFacts;
  deps: IvrDependencies;
  /** Step in progress, for "abandoned in IVR at <step>". */
  currentStep: string;
  outcome: PendingOutcome | null;
}

/** Where the flow goes next (or that it is done with the call), and what to write on the IVR path. */
export type StepResult = ({ next: string } | { done: true }) & { input?: string; result?: string };

export type StepExecutor<S> = (run: IvrRun, step: S) => Promise<StepResult>;
