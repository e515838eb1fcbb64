import type { Redis } from '../redis/client.js';
import type { AcdEventBus } from './acd-events.js';

/** The pub/sub channel every node publishes ACD events on (channels are not prefixed by ioredis, so the key prefix is added here). */
export const acdEventChannel = (keyPrefix: string): string => `${keyPrefix}events:acd`;

/** Publishes every ACD event on Redis, for the screen-pop and wallboards of every node. */
export function publishAcdEvents(bus: AcdEventBus, redis: Redis, keyPrefix: string, onError: (error: unknown) => void): void {
  const channel = acdEventChannel(keyPrefix);
  bus.subscribe((event) => {
    redis.publish(channel, JSON.stringify(event)).catch(onError);
  });
}
