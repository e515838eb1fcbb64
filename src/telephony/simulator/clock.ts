/** Time helpers: Asterisk's timestamp format and a timer registry so a call's timers can all be cancelled at once. */

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
 * Owns every timer the simulator starts. Timers are grouped by an owner key (usually a channel id) so that ending a
 * call releases all of its pending work; the total count lets tests prove nothing leaks.
 */
export class Scheduler {
  private readonly byOwner = new Map<string, Set<NodeJS.Timeout>>();
  private count = 0;

  constructor(readonly timeScale: number) {}

  /** Simulated milliseconds to real milliseconds. */
  scale(ms: number): number {
    return Math.max(0, ms * this.timeScale);
  }

  /** Runs fn after `ms` simulated milliseconds unless the owner is cancelled first. */
  after(owner: string, ms: number, fn: () => void): NodeJS.Timeout {
    let set = this.byOwner.get(owner);
    if (!set) {
      set = new Set();
      this.byOwner.set(owner, set);
    }
    const owned = set;
    const timer = setTimeout(() => {
      this.release(owner, owned, timer);
      fn();
    }, this.scale(ms));
    owned.add(timer);
    this.count++;
    return timer;
  }

  cancel(owner: string, timer: NodeJS.Timeout | null | undefined): void {
    if (!timer) return;
    const set = this.byOwner.get(owner);
    if (set?.has(timer)) {
      clearTimeout(timer);
      this.release(owner, set, timer);
    }
  }

  cancelOwner(owner: string): void {
    const set = this.byOwner.get(owner);
    if (!set) return;
    for (const timer of set) clearTimeout(timer);
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

  private release(owner: string, set: Set<NodeJS.Timeout>, timer: NodeJS.Timeout): void {
    if (set.delete(timer)) this.count--;
    if (set.size === 0) this.byOwner.delete(owner);
  }
}
