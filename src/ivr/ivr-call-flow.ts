import type { CountryCode } from 'libphonenumber-js/max';
import type { CallFlow, RecoveryContext, RecoveryVerdict } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { Pool } from '../db/pool.js';
import { CRM_BUDGET_MS, withinBudget } from '../db/time-budget.js';
import { lookupCaller } from '../customers/lookup.js';
import { normaliseCallerId } from '../customers/phone.js';
import type { CallerLookup } from '../customers/schemas.js';
import type { InteractionOutcome, InteractionRecorder } from '../interactions/interaction-recorder.js';
import type { IvrRun, QueueHandoff } from './context.js';
import { runIvr } from './interpreter.js';
import type { Flow } from './schema.js';

/** The flows in service at one moment; a call keeps the snapshot it started with. */
export interface FlowSource {
  flowFor(dialled: string): Flow;
  byName(name: string): Flow | undefined;
}

export interface IvrCallFlowOptions {
  flows: () => FlowSource;
  db: Pool;
  region: CountryCode;
  recorder: InteractionRecorder;
  handoff: QueueHandoff;
  transferContext: string;
  now?: () => Date;
  /** Takes back calls found after a restart (the ACD: waiting and talking calls). */
  recovery?: {
    recover(session: CallSession, context: RecoveryContext, settle: (outcome: InteractionOutcome, detail: string) => void): Promise<RecoveryVerdict>;
    /** A call that ended while Ringside was down: its place in line and its agent are let go. */
    lost?(callId: string): Promise<void>;
  };
}

/**
 * Every inbound call: open its interaction, recognise the caller, answer, and
 * walk the flow chosen by the dialled number. When the call ends, the
 * interaction is closed with what happened — abandoned at the step the caller
 * was in, unless a step already decided (queued, voicemail, transferred…).
 */
export class IvrCallFlow implements CallFlow {
  private readonly runs = new Map<string, IvrRun>();
  /** Each call's walk through its flow, settled or not: the interaction is closed after the last step is written. */
  private readonly walks = new Map<string, Promise<void>>();
  /** Calls taken back after a restart, with the outcome they will close with. */
  private readonly recovered = new Map<string, { outcome: InteractionOutcome; detail: string }>();

  constructor(private readonly options: IvrCallFlowOptions) {}

  activeRuns(): number {
    return this.runs.size + this.walks.size + this.recovered.size;
  }

  run(session: CallSession): Promise<void> {
    const walk = this.walk(session);
    this.walks.set(session.channelId, walk.catch(() => undefined));
    return walk;
  }

  private async walk(session: CallSession): Promise<void> {
    const { call } = session;
    const source = this.options.flows();
    const flow = source.flowFor(call.dialledNumber);
    const now = this.options.now ?? (() => new Date());
    const normalised = normaliseCallerId(call.callerNumber, this.options.region);
    const run: IvrRun = {
      session,
      flow,
      facts: {
        dialled: call.dialledNumber,
        language: flow.language ?? 'en',
        callerIdKind: normalised.kind,
        match: 'none',
        customer: null,
        vars: {},
        tags: new Set(),
      },
      deps: {
        db: this.options.db,
        region: this.options.region,
        recorder: this.options.recorder,
        handoff: this.options.handoff,
        flowByName: (name) => source.byName(name),
        transferContext: this.options.transferContext,
        now,
      },
      currentStep: flow.start,
      outcome: null,
    };
    this.runs.set(call.channelId, run);
    void this.options.recorder.open({
      callId: call.channelId,
      callerNumber: call.callerNumber,
      callerE164: normalised.e164,
      dialledNumber: call.dialledNumber,
      customerId: null,
      arrivedAt: call.arrivedAt,
      flow: flow.name,
    });
    const [lookup] = await Promise.all([this.recognise(session), session.telephony.answer(call.channelId)]);
    run.facts.match = lookup.match;
    if (lookup.match === 'one') {
      run.facts.customer = lookup.candidates[0]!.customer;
      void this.options.recorder.identify(call.channelId, run.facts.customer.id);
    }
    session.log.info({ flow: flow.name, match: lookup.match, callerIdKind: lookup.callerIdKind }, 'ivr started');
    await runIvr(run);
  }

  /** The CRM being slow or down must not hold up the call: an unknown caller is a fine answer. */
  private async recognise(session: CallSession): Promise<CallerLookup> {
    try {
      return await withinBudget(lookupCaller(this.options.db, session.call.callerNumber, this.options.region), CRM_BUDGET_MS, 'the caller lookup');
    } catch (error) {
      session.log.warn({ err: error }, 'caller lookup failed; treating the caller as unknown');
      const normalised = normaliseCallerId(session.call.callerNumber, this.options.region);
      return { callerId: session.call.callerNumber, e164: normalised.e164, callerIdKind: normalised.kind, match: 'none', candidates: [] };
    }
  }

  async recover(session: CallSession, context: RecoveryContext): Promise<RecoveryVerdict> {
    if (!this.options.recovery) return 'fallback';
    const callId = session.channelId;
    const verdict = await this.options.recovery.recover(session, context, (outcome, detail) => this.recovered.set(callId, { outcome, detail }));
    if (verdict !== 'adopted') this.recovered.delete(callId);
    return verdict;
  }

  async lost(callId: string): Promise<void> {
    await this.options.recovery?.lost?.(callId);
    await this.options.recorder.closeLost(callId);
  }

  onCallEnded(session: CallSession, how: 'hung-up' | 'left-application'): void {
    const recovered = this.recovered.get(session.channelId);
    if (recovered) {
      this.recovered.delete(session.channelId);
      void this.options.recorder.close(session.channelId, recovered.outcome, recovered.detail);
      return;
    }
    // A call found after a restart that nobody could take back went to the fallback.
    if (!this.walks.has(session.channelId) && !this.runs.has(session.channelId)) {
      if (how === 'left-application') void this.options.recorder.close(session.channelId, 'failed', 'found after a restart; sent to the fallback');
      else void this.options.recorder.close(session.channelId, 'abandoned', 'ivr:after-restart');
      return;
    }
    const walk = this.walks.get(session.channelId) ?? Promise.resolve();
    this.walks.delete(session.channelId);
    // The session is closed, so the walk stops at its next wait; its last step's path entry then lands before the outcome.
    void walk.then(() => this.close(session, how));
  }

  private close(session: CallSession, how: 'hung-up' | 'left-application'): void {
    const run = this.runs.get(session.channelId);
    this.runs.delete(session.channelId);
    const step = run?.currentStep ?? 'start';
    const decided = run?.outcome;
    if (decided) {
      void this.options.recorder.close(session.channelId, decided.outcome, decided.detail);
    } else if (how === 'left-application') {
      void this.options.recorder.close(session.channelId, 'failed', `sent to the dialplan fallback at ivr:${step}`);
    } else {
      void this.options.recorder.close(session.channelId, 'abandoned', `ivr:${step}`);
    }
  }
}
