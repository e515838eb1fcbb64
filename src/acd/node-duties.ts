import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import type { AcdStore } from './acd-store.js';
import type { Assignment } from './types.js';

export interface NodeDutiesOptions {
  store: AcdStore;
  /** A connection of its own: the inbox wait blocks it. */
  inboxConnection: Redis;
  /** Rings the agents of an offer another node decided for one of this node's callers. */
  execute: (assignment: Assignment) => Promise<void>;
  /** The center's time zone: calls-today counts restart at its midnight. */
  timezone: string;
  logger: Logger;
  heartbeatMs?: number;
  /**
   * Redis came back without the ACD's state (restarted with no persistence, or flushed): this node puts back what
   * it holds. Called once per loss, never concurrently.
   */
  stateLost?: () => Promise<void>;
}

/** Today's date in a time zone, as YYYY-MM-DD. */
export function centerDate(timezone: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * What a Ringside node does for the shared ACD besides its own calls: says it
 * is alive (other nodes only assign its callers while it is), takes the offers
 * other nodes decided for its callers from its inbox, and restarts the
 * calls-today counts when the center's day changes.
 */
export class NodeDuties {
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private inboxLoop: Promise<void> | undefined;
  private readonly log: Logger;
  /** The ACD state's epoch this node has seen (see AcdStore.stateEpoch); undefined until the first check. */
  private epoch: string | undefined;
  private rebuilding = false;

  constructor(private readonly options: NodeDutiesOptions) {
    this.log = options.logger.child({ component: 'acd-node' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const beat = this.options.heartbeatMs ?? 2000;
    const heartbeat = () =>
      void this.options.store
        .heartbeat(beat * 3)
        .then(() => this.checkEpoch())
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not renew this node\'s heartbeat'));
    const newDay = () =>
      void this.options.store
        .resetCallsToday(centerDate(this.options.timezone))
        .then((reset) => reset && this.log.info({ timezone: this.options.timezone }, 'new day: calls-today counts restarted'))
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not check the day boundary'));
    heartbeat();
    newDay();
    this.timers = [setInterval(heartbeat, beat), setInterval(newDay, 60_000)];
    for (const timer of this.timers) timer.unref();
    this.inboxLoop = this.drainInbox();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    // The blocked BLPOP ends with the connection: offers still in the inbox wait for this node's successor.
    this.options.inboxConnection.disconnect();
    await this.inboxLoop;
  }

  /**
   * With every heartbeat: the epoch stays as long as Redis keeps its data (AOF, or just a network drop). Another
   * epoch than the one seen means everything this node wrote is gone; the first check only learns the epoch
   * (calls found at start-up are taken back by the call registry's resync).
   */
  private async checkEpoch(): Promise<void> {
    if (this.rebuilding) return;
    const current = await this.options.store.stateEpoch(randomUUID());
    const previous = this.epoch;
    this.epoch = current;
    if (previous === undefined || previous === current || !this.options.stateLost) return;
    this.log.warn('Redis lost the ACD state (restarted without persistence, or flushed); putting back this node\'s calls');
    this.rebuilding = true;
    try {
      await this.options.stateLost();
    } catch (error) {
      // Tried again with the next heartbeat: putting a call back twice is refused by the store, not doubled.
      this.epoch = previous;
      this.log.error({ err: error }, 'could not put back this node\'s calls after Redis lost the ACD state; retrying');
    } finally {
      this.rebuilding = false;
    }
  }

  private async drainInbox(): Promise<void> {
    while (this.running) {
      const assignment = await this.options.store.nextInboxOffer(this.options.inboxConnection, 1).catch(async (error: unknown) => {
        if (this.running) {
          this.log.warn({ err: error }, 'could not read this node\'s inbox; retrying');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        return null;
      });
      // Not awaited: one ringing offer must not hold up the next.
      if (assignment) void this.options.execute(assignment).catch((error: unknown) => this.log.error({ err: error, callId: assignment.callId }, 'offer from the inbox failed'));
    }
  }
}
