import type { Talk } from '../acd/conversations.js';
import { legGoneOf } from '../acd/ring-agents.js';
import { SUPERVISOR_LEG_ARG } from '../calls/call-registry.js';
import type { CallEvent } from '../calls/telephony.js';
import { TelephonyError } from '../calls/telephony.js';
import { RingsideError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { MONITOR_BRIDGE_PREFIX, SNOOP_DIRECTIONS, SNOOP_PREFIX, SUPERVISOR_LEG_PREFIX, type MonitorMode } from './modes.js';

/** Why a monitoring session ended. */
export type EndReason = 'stopped' | 'supervisor_hung_up' | 'supervisor_no_answer' | 'supervisor_unreachable' | 'call_ended' | 'failed' | 'shutdown';

export type MonitorState = 'ringing' | 'connected' | 'ended';

export interface MonitorView {
  supervisorId: string;
  agentId: string;
  callId: string;
  mode: MonitorMode;
  state: MonitorState;
  endpoint: string;
  startedAt: number;
}

export interface MonitorSessionOptions {
  supervisorId: string;
  agentId: string;
  talk: Talk;
  endpoint: string;
  mode: MonitorMode;
  /** Whether the agent is still on this very talk (it ends, is transferred or handed over). */
  stillOnCall: () => boolean;
  onEnded: (session: MonitorSession, reason: EndReason) => void;
  log: Logger;
}

const RING_SECONDS = 30;
/** A snoop channel enters the application at once; this only bounds a PBX that never says so. */
const SNOOP_START_MS = 5000;
/** How often the agent's talk is looked at: it can end without any event on the legs this session holds. */
const TALK_CHECK_MS = 1000;

type LegEvent = Extract<CallEvent, { type: 'leg.answered' | 'leg.failed' }>;
const legEventOf = (channelId: string) => (event: CallEvent): event is LegEvent =>
  (event.type === 'leg.answered' || event.type === 'leg.failed') && event.channelId === channelId;

let counter = 0;

/**
 * One supervisor on one agent's call, over the telephony port only. The supervisor's phone is an originated
 * leg routed to the caller's session (so its events and the snoop's reach this code, and the session's end
 * ends it). Listen and whisper: the leg sits in a bridge of its own with a snoop channel on the agent's leg.
 * Barge: the leg sits in the call's bridge. Nothing here removes the caller or the agent from their bridge.
 */
export class MonitorSession {
  readonly startedAt = Date.now();
  readonly legId: string;
  private state: MonitorState = 'ringing';
  /** What the request asked for; `applied` is what the audio paths are now. */
  private wanted: MonitorMode;
  private applied: MonitorMode | null = null;
  private snoopId: string | null = null;
  private monitorBridgeId: string | null = null;
  private readonly cancel = new AbortController();
  private readonly talkCheck: NodeJS.Timeout;
  /** Mode changes run one after the other: two at once would move the same channels concurrently. */
  private chain: Promise<void> = Promise.resolve();
  private readonly n = ++counter;

  constructor(private readonly options: MonitorSessionOptions) {
    this.wanted = options.mode;
    this.legId = `${SUPERVISOR_LEG_PREFIX}${options.talk.session.channelId}-${this.n}`;
    this.talkCheck = setInterval(() => {
      if (!options.stillOnCall()) void this.end('call_ended');
    }, TALK_CHECK_MS);
    this.talkCheck.unref();
  }

  get agentId(): string {
    return this.options.agentId;
  }

  get callId(): string {
    return this.options.talk.session.channelId;
  }

  get mode(): MonitorMode {
    return this.wanted;
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  view(): MonitorView {
    const { supervisorId, agentId, endpoint } = this.options;
    return { supervisorId, agentId, callId: this.callId, mode: this.wanted, state: this.state, endpoint, startedAt: this.startedAt };
  }

  private get session() {
    return this.options.talk.session;
  }

  /** Rings the supervisor's phone; the rest happens when it answers. Throws if the phone cannot be rung at all. */
  async ring(): Promise<void> {
    const { session } = this;
    session.adoptLeg(this.legId);
    // Both watched before the originate: the answer can race its response.
    const outcome = session.waitFor(legEventOf(this.legId), (RING_SECONDS + 15) * 1000, this.cancel.signal);
    const gone = session.waitFor(legGoneOf(this.legId), undefined, this.cancel.signal);
    outcome.catch(() => undefined);
    gone.then(
      (event) => {
        if (event) void this.end('supervisor_hung_up');
      },
      () => void this.end('call_ended'),
    );
    try {
      await session.telephony.originate({
        endpoint: this.options.endpoint,
        callerId: `"Monitor agent ${this.options.agentId}" <${this.options.agentId}>`,
        timeoutSeconds: RING_SECONDS,
        appArgs: [SUPERVISOR_LEG_ARG, this.callId],
        channelId: this.legId,
      });
    } catch (error) {
      await this.end('supervisor_unreachable');
      if (error instanceof TelephonyError) throw new RingsideError('phone_unreachable', `could not ring ${this.options.endpoint}: ${error.message}`, 409);
      throw error;
    }
    void outcome.then(
      (event) => this.answered(event),
      () => void this.end('call_ended'),
    );
  }

  private async answered(event: LegEvent | null): Promise<void> {
    if (this.ended) return;
    if (event?.type !== 'leg.answered') {
      await this.end(event === null || event.reason === 'no-answer' ? 'supervisor_no_answer' : 'supervisor_unreachable');
      return;
    }
    this.state = 'connected';
    this.options.log.info({ agentId: this.agentId, mode: this.wanted }, 'supervisor connected to the call');
    await this.queue(() => this.apply(this.wanted)).catch(() => undefined);
  }

  /** Listen → whisper → barge and back, on the running session. Resolves once the audio paths are changed. */
  async switchTo(mode: MonitorMode): Promise<void> {
    this.wanted = mode;
    // Still ringing: the answer applies whatever mode is wanted by then.
    if (this.state !== 'connected') return;
    await this.queue(() => this.apply(mode));
  }

  private queue(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(mode: MonitorMode): Promise<void> {
    if (this.ended || this.applied === mode) return;
    try {
      if (mode === 'barge') await this.barge();
      else await this.snoopVia(mode);
      this.applied = mode;
      this.options.log.info({ agentId: this.agentId, mode }, 'monitoring mode applied');
    } catch (error) {
      if (this.ended) return;
      this.options.log.warn({ err: error, agentId: this.agentId, mode }, 'could not set up the monitoring; ending it');
      await this.end('failed');
      throw new RingsideError('monitor_failed', `could not ${mode}; the monitoring ended (the call goes on)`, 502);
    }
  }

  private async barge(): Promise<void> {
    const { telephony } = this.session;
    if (this.monitorBridgeId) await telephony.removeFromBridge(this.monitorBridgeId, [this.legId]);
    await telephony.addToBridge(this.options.talk.bridgeId, [this.legId]);
    await this.dropSnoop();
    await this.dropMonitorBridge();
  }

  private async snoopVia(mode: Exclude<MonitorMode, 'barge'>): Promise<void> {
    const { session } = this;
    const { telephony } = session;
    const snoopId = await this.openSnoop(mode);
    const old = this.snoopId;
    this.snoopId = snoopId;
    let bridgeId = this.monitorBridgeId;
    if (!bridgeId) {
      bridgeId = (await telephony.createBridge(`${MONITOR_BRIDGE_PREFIX}${this.callId}-${this.n}`)).bridgeId;
      this.monitorBridgeId = bridgeId;
    }
    const joining = [snoopId];
    if (this.applied === 'barge') await telephony.removeFromBridge(this.options.talk.bridgeId, [this.legId]);
    if (this.applied !== 'listen' && this.applied !== 'whisper') joining.push(this.legId);
    // The old snoop leaves first, as in the recorded Asterisk session: the supervisor is never mixed in twice.
    if (old) await telephony.removeFromBridge(bridgeId, [old]).catch(() => undefined);
    await telephony.addToBridge(bridgeId, joining);
    if (old) await this.hangUpLeg(old);
  }

  /** A snoop channel on the agent's leg, once it is in the application (only then can it be bridged). */
  private async openSnoop(mode: Exclude<MonitorMode, 'barge'>): Promise<string> {
    const { session } = this;
    const snoopId = `${SNOOP_PREFIX}${this.callId}-${this.n}-${mode}-${Date.now().toString(36)}`;
    session.adoptLeg(snoopId);
    const started = session.waitFor(legEventOf(snoopId), SNOOP_START_MS, this.cancel.signal);
    started.catch(() => undefined);
    // The snoop ends by itself when the agent's leg does: the call is over for this agent.
    session.waitFor(legGoneOf(snoopId), undefined, this.cancel.signal).then(
      (event) => {
        // A snoop replaced by a mode change is hung up on purpose.
        if (event && this.snoopId === snoopId) void this.end('call_ended');
      },
      () => void this.end('call_ended'),
    );
    await session.telephony.snoop(this.options.talk.legId, { ...SNOOP_DIRECTIONS[mode], snoopId, appArgs: [SUPERVISOR_LEG_ARG, mode, this.callId] });
    const event = await started;
    if (event?.type !== 'leg.answered') throw new Error(`the snoop channel ${snoopId} did not start`);
    return snoopId;
  }

  private async dropSnoop(): Promise<void> {
    const snoopId = this.snoopId;
    this.snoopId = null;
    if (snoopId) await this.hangUpLeg(snoopId);
  }

  private async dropMonitorBridge(): Promise<void> {
    const bridgeId = this.monitorBridgeId;
    this.monitorBridgeId = null;
    if (bridgeId) await this.session.telephony.destroyBridge(bridgeId).catch(() => undefined);
  }

  private async hangUpLeg(channelId: string): Promise<void> {
    await this.session.telephony.hangup(channelId).catch(() => undefined);
    this.session.releaseLeg(channelId);
  }

  /**
   * Ends the session: the supervisor's leg and the snoop are hung up and the monitor bridge destroyed. The
   * call's bridge is left alone (a hung-up supervisor leaves it by itself). Safe to call twice.
   */
  async end(reason: EndReason): Promise<void> {
    if (this.ended) return;
    this.state = 'ended';
    clearInterval(this.talkCheck);
    this.cancel.abort();
    this.options.onEnded(this, reason);
    this.options.log.info({ agentId: this.agentId, reason }, 'monitoring ended');
    await this.dropSnoop();
    await this.hangUpLeg(this.legId);
    await this.dropMonitorBridge();
  }
}
