import type { Logger } from '../logging/logger.js';
import type { CallEvent, TelephonyCommands } from './telephony.js';

export interface ArrivedCall {
  channelId: string;
  callerNumber: string;
  callerName: string;
  dialledNumber: string;
  arrivedAt: Date;
}

/** Thrown into a flow's pending waits when its caller is gone: the flow just stops. */
export class CallEndedError extends Error {
  constructor(readonly channelId: string) {
    super(`call ${channelId} ended`);
    this.name = 'CallEndedError';
  }
}

interface Waiter {
  match: (event: CallEvent) => boolean;
  resolve: (event: CallEvent | null) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  detach?: () => void;
}

/** Keys pressed before a flow asks for them are kept (type-ahead), up to this many. */
const TYPE_AHEAD_LIMIT = 64;

/**
 * One live call as a flow sees it: the caller's channel, the legs adopted for
 * it, and a way to wait for its events with a timeout. Every timer and waiter
 * it hands out is released when the call ends.
 */
export interface LegRouter {
  adopt(legChannelId: string, owner: CallSession): void;
  release(legChannelId: string): void;
}

export class CallSession {
  readonly legs = new Set<string>();
  /** Set once the flow has ended the call or handed it elsewhere, so finishing is not mistaken for abandoning it. */
  handedOff = false;
  private readonly waiters = new Set<Waiter>();
  private readonly typeAhead: CallEvent[] = [];
  private readonly abort = new AbortController();

  constructor(
    readonly call: ArrivedCall,
    readonly telephony: TelephonyCommands,
    readonly log: Logger,
    private readonly legRouter?: LegRouter,
  ) {}

  get channelId(): string {
    return this.call.channelId;
  }

  get ended(): boolean {
    return this.abort.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Routes the events of another channel (an agent leg, a snoop) to this call. */
  adoptLeg(channelId: string): void {
    this.legs.add(channelId);
    this.legRouter?.adopt(channelId, this);
  }

  releaseLeg(channelId: string): void {
    this.legs.delete(channelId);
    this.legRouter?.release(channelId);
  }

  /** Hangs the caller up on purpose (the flow is done with the call). */
  async hangup(): Promise<void> {
    this.handedOff = true;
    await this.telephony.hangup(this.channelId);
  }

  /** Sends the caller back to the dialplan on purpose. */
  async continueInDialplan(context: string, extension?: string): Promise<void> {
    this.handedOff = true;
    await this.telephony.continueInDialplan(this.channelId, { context, ...(extension ? { extension, priority: 1 } : {}) });
  }

  deliver(event: CallEvent): void {
    if (this.ended) return;
    for (const waiter of this.waiters) {
      if (waiter.match(event)) {
        this.settle(waiter);
        waiter.resolve(event);
        return;
      }
    }
    if (event.type === 'key.pressed' && event.channelId === this.channelId) {
      if (this.typeAhead.length >= TYPE_AHEAD_LIMIT) this.typeAhead.shift();
      this.typeAhead.push(event);
    }
  }

  /**
   * The next event that matches, or null after `timeoutMs` (no timeout when
   * omitted) or when `cancel` aborts. Rejects with CallEndedError if the call ends first.
   */
  waitFor<T extends CallEvent>(match: (event: CallEvent) => event is T, timeoutMs?: number, cancel?: AbortSignal): Promise<T | null> {
    if (this.ended) return Promise.reject(new CallEndedError(this.channelId));
    const buffered = this.typeAhead.findIndex(match);
    if (buffered >= 0) return Promise.resolve(this.typeAhead.splice(buffered, 1)[0] as T);
    if (cancel?.aborted) return Promise.resolve(null);
    return new Promise<T | null>((resolve, reject) => {
      const waiter: Waiter = { match, resolve: resolve as (event: CallEvent | null) => void, reject, timer: undefined };
      const giveUp = (): void => {
        this.settle(waiter);
        resolve(null);
      };
      if (timeoutMs !== undefined) waiter.timer = setTimeout(giveUp, timeoutMs);
      if (cancel) {
        cancel.addEventListener('abort', giveUp, { once: true });
        waiter.detach = () => cancel.removeEventListener('abort', giveUp);
      }
      this.waiters.add(waiter);
    });
  }

  /** Puts a key back at the front of the type-ahead, for the next step that takes input. */
  returnKey(event: Extract<CallEvent, { type: 'key.pressed' }>): void {
    if (!this.ended) this.typeAhead.unshift(event);
  }

  /** Drops keys typed ahead (e.g. before a new menu whose prompt must not be skipped). */
  clearTypeAhead(): void {
    this.typeAhead.length = 0;
  }

  sleep(ms: number): Promise<void> {
    return this.waitFor((_event): _event is never => false, ms).then(() => undefined);
  }

  /** Ends the session: pending waits reject, timers stop, nothing is kept. Safe to call twice. */
  close(): void {
    if (this.ended) return;
    this.abort.abort();
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(new CallEndedError(this.channelId));
    }
    this.typeAhead.length = 0;
    for (const leg of this.legs) this.legRouter?.release(leg);
    this.legs.clear();
  }

  pendingWaits(): number {
    return this.waiters.size;
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.detach?.();
    this.waiters.delete(waiter);
  }
}
