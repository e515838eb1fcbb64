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
