import { Redis } from 'ioredis';

export type { Redis };

/**
 * One connection for request traffic. Every key Ringside writes carries the
 * configured prefix, so several deployments (or test runs) can share a server.
 * Commands fail fast while Redis is down instead of queueing without bound.
 */
export function createRedis(url: string, keyPrefix: string): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Connection errors are reported by /ready; without a listener ioredis would print each retry.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Deletes every key matching a pattern of full key names (SCAN does not apply
 * the key prefix, so pass it in the pattern), through a connection of its own.
 */
export async function deleteKeysMatching(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
