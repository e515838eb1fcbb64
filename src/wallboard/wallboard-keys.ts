import type { AcdKeys } from '../acd/keys.js';

/**
 * The wallboard's keys, under the ACD's hash tag: its scripts read the ACD's call hashes, and in Redis
 * Cluster every key one script touches must share a slot.
 */
export class WallboardKeys {
  constructor(private readonly acd: AcdKeys) {}

  /** A queue's counters of one center day (YYYY-MM-DD). */
  day(queue: string, day: string): string {
    return `${this.acd.tagged}wb:${day}:queue:${queue}`;
  }

  /** Calls waiting in a queue, scored by when they joined the ACD. */
  since(queue: string): string {
    return `${this.acd.tagged}wb:queue:${queue}:since`;
  }

  /** Calls that entered a queue, per minute (field: epoch minute). */
  arrivals(queue: string): string {
    return `${this.acd.tagged}wb:queue:${queue}:arrivals`;
  }

  /** The last hour's chart points of a queue (score: the point's time). */
  history(queue: string): string {
    return `${this.acd.tagged}wb:queue:${queue}:history`;
  }

  /** The ACD's call hash, with the connection's prefix: for use inside a script, which ioredis does not prefix. */
  callInScript(callId: string): string {
    return `${this.acd.base}call:${callId}`;
  }

  callPrefixInScript(): string {
    return `${this.acd.base}call:`;
  }

  waiting(queue: string): string {
    return this.acd.waiting(queue);
  }

  queueStats(queue: string): string {
    return this.acd.stats(queue);
  }
}
