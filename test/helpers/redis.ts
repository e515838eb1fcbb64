import type { Test } from 'tap';
import { Redis } from 'ioredis';
import { createRedis } from '../../src/redis/client.js';
import { TEST_REDIS_URL, uniqueSuffix } from './env.js';

/** A Redis connection whose keys all carry a prefix of this test's own; the keys are deleted at teardown. */
export async function createTestRedis(t: Test): Promise<{ redis: Redis; prefix: string }> {
  const prefix = `ringside-test:${uniqueSuffix()}:`;
  const redis = createRedis(TEST_REDIS_URL, prefix);
  await redis.connect();
  t.teardown(async () => {
    const cleaner = new Redis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await cleaner.del(...keys);
    } while (cursor !== '0');
    cleaner.disconnect();
    redis.disconnect();
  });
  return { redis, prefix };
}
