import type { AcdEvent, AcdEventBus } from '../acd/acd-events.js';
import { defineAcdScripts, runScript } from '../acd/lua-scripts.js';
import { centerDate } from '../acd/node-duties.js';
import type { Redis } from '../redis/client.js';
import type { WallboardKeys } from './wallboard-keys.js';

/** Day counters outlive their day a little: a report of yesterday's figures, a node with a slow clock. */
const DAY_TTL_SECONDS = 3 * 24 * 3600;
/** Arrivals per minute: the staffing figure reads the last 15; two hours cover it whatever the gaps. */
const ARRIVALS_TTL_SECONDS = 2 * 3600;

interface ScriptsInTransaction {
  wallboardTrackWaiting(...args: (string | number)[]): unknown;
}

export interface FiguresRecorderOptions {
  redis: Redis;
  keys: WallboardKeys;
  timezone: string;
  /** The queue's service-level threshold (seconds) as the rules say now. */
  thresholdSeconds: (queue: string) => number;
  onError: (error: unknown) => void;
}

/**
 * Applies each ACD event, once, to the wallboard's counters in Redis. Every event is emitted by exactly one
 * node (the one handling the call), which records it here: the counters are the same for every node's
 * wallboards without any node counting twice. Subscribed before the publisher on the same connection,
 * the counters are written before the event reaches other nodes (one connection runs commands in order).
 */
export class FiguresRecorder {
  constructor(private readonly options: FiguresRecorderOptions) {
    defineAcdScripts(options.redis);
  }

  subscribe(bus: AcdEventBus): void {
    bus.subscribe((event) => {
      const written = this.record(event);
      if (written) written.catch(this.options.onError);
    });
  }

  /** The Redis write of one event, or undefined when the event changes no figure. */
  record(event: AcdEvent): Promise<unknown> | undefined {
    const { redis, keys } = this.options;
    if (event.type === 'agent.state' || event.type === 'call.estimate' || event.type === 'call.missed' || event.type === 'call.offered') return undefined;
    if (event.type === 'call.changed') {
      // A move keeps the caller's arrival; the old queue's entry is dropped when read.
      return runScript(redis, 'wallboardTrackWaiting', [keys.since(event.queue)], [event.callId, keys.callInScript(event.callId), event.at]);
    }
    const day = keys.day(event.queue, centerDate(this.options.timezone, new Date(event.at)));
    const tx = redis.multi();
    switch (event.type) {
      case 'call.queued': {
        const minute = Math.floor(event.at / 60_000);
        tx.hincrby(day, 'offered', 1);
        tx.hincrby(keys.arrivals(event.queue), String(minute), 1);
        tx.expire(keys.arrivals(event.queue), ARRIVALS_TTL_SECONDS);
        // ioredis adds defined scripts to transactions at run time; its types cannot know them.
        (tx as unknown as ScriptsInTransaction).wallboardTrackWaiting(keys.since(event.queue), event.callId, keys.callInScript(event.callId), event.at);
        break;
      }
      case 'call.answered':
        tx.hincrby(day, 'answered', 1);
        tx.hincrby(day, 'waitAnsweredMs', Math.round(event.waitedMs));
        if (event.waitedMs <= this.options.thresholdSeconds(event.queue) * 1000) tx.hincrby(day, 'answeredWithinThreshold', 1);
        tx.zrem(keys.since(event.queue), event.callId);
        break;
      case 'call.abandoned':
        tx.hincrby(day, 'abandoned', 1);
        tx.hincrby(day, event.stage === 'offered' ? 'abandonedWhileOffered' : 'abandonedInQueue', 1);
        tx.zrem(keys.since(event.queue), event.callId);
        break;
      case 'call.exited':
        tx.hincrby(day, 'exited', 1);
        tx.zrem(keys.since(event.queue), event.callId);
        break;
      case 'call.completed':
        tx.hincrby(day, 'handled', 1);
        tx.hincrby(day, 'handleMs', Math.round(event.talkMs + event.wrapUpSeconds * 1000));
        break;
    }
    tx.expire(day, DAY_TTL_SECONDS);
    return tx.exec();
  }
}
