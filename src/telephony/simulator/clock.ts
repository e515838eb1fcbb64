/**
 * Time for the simulator: Asterisk's timestamp format, the clock the simulator reads (real by default, or a manual
 * one a test advances itself) and a timer registry so a call's timers can all be cancelled at once.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Asterisk writes local time with millisecond precision and a numeric offset; the simulator always uses UTC. */
export function asteriskTimestamp(ms: number = Date.now()): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`
  );
}

/**
 * Where the simulator gets the time from. Everything it does later than "now" (prompts ending, phones answering,
 * DTMF, scripted hang-ups, the dialplan after `continue`) is a timer of this clock, and every time it shows
 * (event timestamps, creation times, `silentSince`, recording durations) is read from `now()`.
 */
export interface SimulatorClock {
  /** milliseconds since the epoch */
  now(): number;
  /** Runs fn after `ms` clock milliseconds; the returned function cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

/** Wall-clock time and Node timers: what the simulator uses unless told otherwise. */
export const realClock: SimulatorClock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

interface ManualTimer {
  due: number;
  /** creation order, so timers due at the same instant fire in the order they were set, like Node's */
  order: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to, for tests that must not depend on how busy the machine is: `advance(ms)`
 * moves the time forward and runs every timer that falls due, in time order (ties in the order they were set),
 * each at its own instant, including timers that those timers set on the way. Nothing runs by itself.
 */
export class ManualClock implements SimulatorClock {
  private time: number;
  private sequence = 0;
  /** pending timers sorted by (due, order) */
  private readonly timers: ManualTimer[] = [];

  /** `start` is the epoch time the clock shows first (default: the real time now, so timestamps look real). */
  constructor(start: number = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: ManualTimer = { due: this.time + Math.max(0, ms), order: this.sequence++, fn };
    // Binary search for the first timer due later: ties keep creation order.
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timers[middle] as ManualTimer).due <= timer.due) low = middle + 1;
      else high = middle;
    }
    this.timers.splice(low, 0, timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  /** Moves the time forward by `ms`; returns how many timers ran. */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('a clock only moves forward by a finite number of ms');
    return this.advanceTo(this.time + ms);
  }

  /** Moves the time forward to `time` (never back); returns how many timers ran. */
  advanceTo(time: number): number {
    let ran = 0;
    for (let next = this.timers[0]; next && next.due <= time; next = this.timers[0]) {
      this.timers.shift();
      // Each timer runs at its own instant, so what it reads from now() and the timers it sets are right.
      this.time = Math.max(this.time, next.due);
      next.fn();
      ran++;
    }
    this.time = Math.max(this.time, time);
    return ran;
  }

  /**
   * Moves the time to the next timer and runs only that one; returns false (and leaves the time alone) when no timer
   * is pending or the next one is due after `limit`. For a driver that lets the simulator react between timers
   * (promise continuations, deferred work, sockets), as Node does between real timers: `advance` runs a whole stretch
   * synchronously instead.
   */
  runNext(limit = Number.POSITIVE_INFINITY): boolean {
    const next = this.timers[0];
    if (!next || next.due > limit) return false;
    this.timers.shift();
    this.time = Math.max(this.time, next.due);
    next.fn();
    return true;
  }

  /** When the next timer falls due (clock time), or null if none is pending. */
  nextDue(): number | null {
    return this.timers[0]?.due ?? null;
  }

  pending(): number {
    return this.timers.length;
  }
}

/** A timer started through the Scheduler; only the Scheduler looks inside. */
export interface Timer {
  readonly owner: string;
  /** set once the timer ran or was cancelled */
  done: boolean;
  cancel: () => void;
}

/**
 * Owns every timer the simulator starts. Timers are grouped by an owner key (usually a channel id) so that ending a
 * call releases all of its pending work; the total count lets tests prove nothing leaks. It also counts work
 * deferred to the next turn of the event loop (`soon`), so a test on a manual clock can tell when the simulator has
 * finished reacting to what it last did.
 */
export class Scheduler {
  private readonly byOwner = new Map<string, Set<Timer>>();
  private count = 0;
  private deferred = 0;

  constructor(
    readonly timeScale: number,
    readonly clock: SimulatorClock = realClock,
  ) {}

  /** Simulated milliseconds to clock milliseconds. */
  scale(ms: number): number {
    return Math.max(0, ms * this.timeScale);
  }

  /** The clock's time (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /** Simulated milliseconds since `since` (a `now()` value). */
  elapsedSince(since: number): number {
    return (this.clock.now() - since) / this.timeScale;
  }

  /** Runs fn after `ms` simulated milliseconds unless the owner is cancelled first. */
  after(owner: string, ms: number, fn: () => void): Timer {
    let set = this.byOwner.get(owner);
    if (!set) {
      set = new Set();
      this.byOwner.set(owner, set);
    }
    const owned = set;
    const timer: Timer = { owner, done: false, cancel: () => undefined };
    timer.cancel = this.clock.schedule(this.scale(ms), () => {
      if (timer.done) return;
      this.release(owner, owned, timer);
      fn();
    });
    owned.add(timer);
    this.count++;
    return timer;
  }

  /**
   * Runs fn on the next turn of the event loop (setImmediate): used where Asterisk acts just after its HTTP answer
   * has left (a playback starting, a phone starting to ring). Not a timer of the clock: it is not simulated time.
   */
  soon(fn: () => void): void {
    this.deferred++;
    setImmediate(() => {
      this.deferred--;
      fn();
    });
  }

  /** How many `soon` callbacks have not run yet. */
  deferredWork(): number {
    return this.deferred;
  }

  cancel(owner: string, timer: Timer | null | undefined): void {
    if (!timer) return;
    const set = this.byOwner.get(owner);
    if (set?.has(timer)) {
      timer.cancel();
      this.release(owner, set, timer);
    }
  }

  cancelOwner(owner: string): void {
    const set = this.byOwner.get(owner);
    if (!set) return;
    for (const timer of set) {
      timer.done = true;
      timer.cancel();
    }
    this.count -= set.size;
    this.byOwner.delete(owner);
  }

  cancelAll(): void {
    for (const owner of [...this.byOwner.keys()]) this.cancelOwner(owner);
  }

  pending(): number {
    return this.count;
  }

  owners(): number {
    return this.byOwner.size;
  }

  private release(owner: string, set: Set<Timer>, timer: Timer): void {
    timer.done = true;
    if (set.delete(timer)) this.count--;
    if (set.size === 0) this.byOwner.delete(owner);
  }
}
