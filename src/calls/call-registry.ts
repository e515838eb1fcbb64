import type { Logger } from '../logging/logger.js';
import { CallEndedError, CallSession, type ArrivedCall } from './call-session.js';
import type { CallStore } from './call-store.js';
import { TelephonyError, type CallEvent, type Telephony } from './telephony.js';

/** The first application argument of the calls Ringside places to customers (callbacks). */
export const PLACED_CALL_ARG = 'callback';
/** The first Stasis argument of legs Ringside rings for its own people: an agent for a caller, a supervisor to monitor. */
export const AGENT_LEG_ARG = 'agent';
export const SUPERVISOR_LEG_ARG = 'supervisor';
const OWN_LEG_ARGS: ReadonlySet<string | undefined> = new Set([AGENT_LEG_ARG, SUPERVISOR_LEG_ARG]);

const isGone = (error: unknown): boolean => error instanceof TelephonyError && error.code === 'not_found';

/** What runs for each call: the IVR and everything after it. */
export interface CallFlow {
  run(session: CallSession): Promise<void>;
  /** The call is over for Ringside: hung up, or gone back to the dialplan. Called once per call. */
  onCallEnded?(session: CallSession, how: 'hung-up' | 'left-application'): void;
  /**
   * A live call this process finds with no flow running (it restarted, or took
   * the application over): `adopted` if the flow carries it on from its state
   * in Redis, `leg` if it is some call's agent or snoop leg (adopted with that
   * call), `fallback` to send it to the fallback, `pending` for a call this node placed that is still ringing
   * (left alone: answered, it arrives again and is taken back then).
   */
  recover?(session: CallSession, context: RecoveryContext): Promise<RecoveryVerdict>;
  /**
   * A call this node held ended while no Ringside watched it (the node was down, and the caller hung up or
   * Asterisk restarted meanwhile): its records are closed and whatever it held (a place in line, an agent) let go.
   */
  lost?(callId: string): Promise<void>;
}

export type RecoveryVerdict = 'adopted' | 'leg' | 'fallback' | 'pending';

/** What the application's bridges say about a recovered channel. */
export interface RecoveryContext {
  /** Other live channels in the same bridge (the agent of a conversation). */
  bridgePeers: string[];
  bridgeId: string | null;
  /** Up once answered; a call Ringside placed may still be ringing. */
  answered: boolean;
}

/** Where a call goes when Ringside cannot handle it: back to the dialplan (e.g. the ringside-down context). */
export interface Fallback {
  context: string;
}

export interface CallRegistryOptions {
  telephony: Telephony;
  store: CallStore;
  flow: CallFlow;
  fallback: Fallback;
  logger: Logger;
}

/**
 * Owns the live calls of this node: starts a flow for each arrival, routes
 * every event to its call, and is the error boundary — whatever goes wrong
 * while handling a call, the caller is sent somewhere known, never left in silence.
 */
export class CallRegistry {
  private readonly sessions = new Map<string, CallSession>();
  private readonly legOwners = new Map<string, CallSession>();
  /** Calls this node places: each ends through its own handler, not the inbound flow. */
  private readonly placed = new Map<string, (how: 'hung-up' | 'left-application') => void>();
  private readonly log: Logger;
  private stopping = false;

  constructor(private readonly options: CallRegistryOptions) {
    this.log = options.logger.child({ component: 'calls' });
    options.telephony.onEvent((event) => this.handle(event));
    // Also on the first connection: a restarted node finds the calls its previous life left in the application.
    options.telephony.onConnected(() => void this.resync());
  }

  /**
   * Stops handling calls without touching them: they stay in Asterisk and in
   * Redis, where this node after a restart (or a standby taking over its
   * application) finds them again.
   */
  shutdown(): void {
    this.stopping = true;
    if (this.sessions.size > 0) this.log.info({ calls: this.sessions.size }, 'leaving live calls in Asterisk for the next node');
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    this.legOwners.clear();
  }

  activeCalls(): number {
    return this.sessions.size;
  }

  /** Entries held for live calls and their legs (for leak checks). */
  trackedCount(): number {
    return this.sessions.size + this.legOwners.size;
  }

  handle(event: CallEvent): void {
    if (this.stopping) return;
    try {
      if (event.type === 'call.arrived') {
        // A leg a previous life of this node rang (it restarted meanwhile) is not a caller: nobody waits on its other end.
        if (OWN_LEG_ARGS.has(event.args[0])) {
          void this.hangupStray(event.channelId);
          return;
        }
        this.arrive(
          {
            channelId: event.channelId,
            callerNumber: event.callerNumber,
            callerName: event.callerName,
            dialledNumber: event.dialledNumber,
            arrivedAt: event.at,
          },
          event.args[0] === PLACED_CALL_ARG,
        );
        return;
      }
      const owner = this.sessions.get(event.channelId) ?? this.legOwners.get(event.channelId);
      if (!owner) {
        if (event.type === 'leg.answered') void this.hangupStray(event.channelId);
        return;
      }
      if (event.type === 'hung-up' && event.channelId === owner.channelId) {
        owner.log.info({ cause: event.cause, byPhone: event.byPhone }, 'call ended');
        this.finish(owner, 'hung-up');
        return;
      }
      if (event.type === 'left-application' && event.channelId === owner.channelId) {
        owner.log.info('call left Ringside for the dialplan');
        this.finish(owner, 'left-application');
        return;
      }
      owner.deliver(event);
      if ((event.type === 'hung-up' || event.type === 'leg.failed') && event.channelId !== owner.channelId) owner.releaseLeg(event.channelId);
    } catch (error) {
      const owner = this.sessions.get(event.channelId) ?? this.legOwners.get(event.channelId);
      this.log.error({ err: error, callId: owner?.channelId ?? event.channelId, eventType: event.type }, 'error while handling a call event');
      if (owner) void this.sendToFallback(owner);
    }
  }

  /**
   * `placedEarlier`: a call this node's previous life placed (a callback) that the customer answered after a
   * restart. It is taken back like a call found in the application; a call nobody takes back runs the IVR.
   */
  private arrive(call: ArrivedCall, placedEarlier = false): void {
    if (this.sessions.has(call.channelId)) return;
    const log = this.options.logger.child({ callId: call.channelId });
    const session = new CallSession(call, this.options.telephony, log, {
      adopt: (leg, owner) => this.legOwners.set(leg, owner),
      release: (leg) => this.legOwners.delete(leg),
    });
    this.sessions.set(call.channelId, session);
    // Caller number and name are personal data: debug level only.
    log.info({ dialled: call.dialledNumber }, 'call arrived');
    log.debug({ callerNumber: call.callerNumber, callerName: call.callerName }, 'caller id');
    void this.options.store.save(call, 'arrived').catch((error: unknown) => log.error({ err: error }, 'could not record the call in Redis'));
    if (placedEarlier && this.options.flow.recover) void this.takeBack(session);
    else void this.runFlow(session);
  }

  private async takeBack(session: CallSession): Promise<void> {
    const verdict = await this.options.flow.recover?.(session, { bridgePeers: [], bridgeId: null, answered: true }).catch((error: unknown) => {
      session.log.error({ err: error }, 'could not take back a call placed before a restart');
      return 'fallback' as const;
    });
    if (verdict === 'adopted') {
      session.handedOff = true;
      session.log.info('a call placed before a restart was answered; taken back where it stood');
      return;
    }
    await this.runFlow(session);
  }

  /**
   * A session for a call this node is about to originate (channel id chosen by the caller): its events reach it
   * from the first one, and `ended` runs once when it is over. `release` closes it if the channel never came up.
   */
  placeOutbound(call: ArrivedCall, ended: (how: 'hung-up' | 'left-application') => void): CallSession {
    if (this.sessions.has(call.channelId)) throw new Error(`call ${call.channelId} is already live`);
    const log = this.options.logger.child({ callId: call.channelId });
    const session = new CallSession(call, this.options.telephony, log, {
      adopt: (leg, owner) => this.legOwners.set(leg, owner),
      release: (leg) => this.legOwners.delete(leg),
    });
    session.handedOff = true;
    this.sessions.set(call.channelId, session);
    this.placed.set(call.channelId, ended);
    return session;
  }

  /** A placed call whose channel never came up (or is gone without an event): closed as hung up. */
  release(session: CallSession): void {
    this.finish(session, 'hung-up');
  }

  private async runFlow(session: CallSession): Promise<void> {
    try {
      await this.options.flow.run(session);
      if (!session.ended && !session.handedOff) {
        session.log.warn('the flow finished without ending or handing off the call; sending it to the fallback');
        await this.sendToFallback(session);
      }
    } catch (error) {
      if (error instanceof CallEndedError || session.ended || this.stopping) return;
      session.log.error({ err: error }, 'call handling failed; sending the call to the fallback');
      await this.sendToFallback(session);
    }
  }

  /** The configured fallback; if even that fails the call is hung up cleanly rather than left in silence. */
  async sendToFallback(session: CallSession): Promise<void> {
    if (session.ended) return;
    session.handedOff = true;
    const { telephony } = this.options;
    try {
      await telephony.continueInDialplan(session.channelId, { context: this.options.fallback.context, extension: session.call.dialledNumber || 's', priority: 1 });
      session.log.info({ context: this.options.fallback.context }, 'call sent to the fallback');
    } catch (error) {
      if (isGone(error)) {
        session.log.info('the call was already gone');
        this.finish(session, 'hung-up');
        return;
      }
      session.log.error({ err: error }, 'fallback failed; hanging up');
      await telephony.hangup(session.channelId, 'congestion').catch((hangupError: unknown) => {
        // Nothing will ever report the end of a channel that no longer exists: close it here.
        if (isGone(hangupError)) this.finish(session, 'hung-up');
      });
    }
  }

  private finish(session: CallSession, how: 'hung-up' | 'left-application'): void {
    if (this.sessions.get(session.channelId) !== session) return;
    session.close();
    try {
      const placed = this.placed.get(session.channelId);
      this.placed.delete(session.channelId);
      if (placed) placed(how);
      else this.options.flow.onCallEnded?.(session, how);
    } catch (error) {
      session.log.error({ err: error }, 'error while closing the call');
    }
    this.sessions.delete(session.channelId);
    void this.options.store.remove(session.channelId).catch((error: unknown) => session.log.error({ err: error }, 'could not clear the call from Redis'));
  }

  private async hangupStray(channelId: string): Promise<void> {
    this.log.warn({ callId: channelId }, 'an answered leg belongs to no live call; hanging it up');
    await this.options.telephony.hangup(channelId).catch(() => undefined);
  }

  /**
   * After a (re)connection: calls that ended meanwhile are closed; calls still
   * up keep their session; calls in the application that this process does
   * not know (it restarted) go to the fallback.
   */
  async resync(): Promise<void> {
    const { telephony, store } = this.options;
    try {
      // Only calls known before the listing can be judged by it: one arriving meanwhile is up but not in the list.
      const known = [...this.sessions.values()];
      const live = new Map((await telephony.listChannels()).map((channel) => [channel.channelId, channel]));
      for (const session of known) {
        if (this.sessions.get(session.channelId) !== session) continue;
        if (live.has(session.channelId)) {
          session.log.info('call re-attached after reconnecting');
        } else {
          session.log.info('call ended while disconnected');
          this.finish(session, 'hung-up');
        }
      }
      for (const stored of await store.list()) {
        if (this.sessions.has(stored.channelId) || live.has(stored.channelId)) continue;
        this.log.info({ callId: stored.channelId }, 'stored call no longer exists; closing it');
        await this.options.flow.lost?.(stored.channelId).catch((error: unknown) => this.log.error({ err: error, callId: stored.channelId }, 'could not close a call that ended while Ringside was down'));
        await store.remove(stored.channelId);
      }
      const bridges = await telephony.listBridges();
      const contextOf = (channelId: string): RecoveryContext => {
        const bridge = bridges.find((candidate) => candidate.channelIds.includes(channelId));
        return {
          bridgeId: bridge?.bridgeId ?? null,
          bridgePeers: bridge ? bridge.channelIds.filter((id) => id !== channelId && live.has(id)) : [],
          answered: live.get(channelId)?.state === 'Up',
        };
      };
      const legs: string[] = [];
      for (const channel of live.values()) {
        if (this.sessions.has(channel.channelId) || this.legOwners.has(channel.channelId)) continue;
        const orphan = new CallSession(
          { channelId: channel.channelId, callerNumber: channel.callerNumber, callerName: '', dialledNumber: channel.dialledNumber, arrivedAt: new Date() },
          telephony,
          this.options.logger.child({ callId: channel.channelId }),
          { adopt: (leg, owner) => this.legOwners.set(leg, owner), release: (leg) => this.legOwners.delete(leg) },
        );
        // Registered before recovery so that its events reach it while the flow takes it back.
        this.sessions.set(channel.channelId, orphan);
        const verdict = (await this.options.flow.recover?.(orphan, contextOf(channel.channelId)).catch((error: unknown) => {
          orphan.log.error({ err: error }, 'could not recover the call');
          return 'fallback' as const;
        })) ?? 'fallback';
        if (verdict === 'leg') {
          this.sessions.delete(channel.channelId);
          legs.push(channel.channelId);
          continue;
        }
        if (verdict === 'pending') {
          this.sessions.delete(channel.channelId);
          orphan.log.info('a call placed before the restart is still ringing; taken back if answered');
          continue;
        }
        if (verdict === 'adopted') {
          orphan.handedOff = true;
          orphan.log.info('call recovered where it stood');
          continue;
        }
        orphan.log.warn('call found in the application with no flow running; sending it to the fallback');
        await this.sendToFallback(orphan);
      }
      // Legs whose call was not recovered have nobody on the other end any more.
      for (const leg of legs) if (!this.legOwners.has(leg)) await this.hangupStray(leg);
      // A bridge left empty by calls that ended meanwhile would otherwise live until Asterisk restarts.
      for (const bridge of bridges) {
        if (bridge.channelIds.some((id) => live.has(id))) continue;
        this.log.info({ bridgeId: bridge.bridgeId }, 'destroying a bridge left empty while disconnected');
        await telephony.destroyBridge(bridge.bridgeId).catch(() => undefined);
      }
    } catch (error) {
      this.log.error({ err: error }, 'could not resynchronise calls after reconnecting');
    }
  }
}
