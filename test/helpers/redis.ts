import type { Test } from 'tap';
import type { Redis } from 'ioredis';
import { createRedis, deleteKeysMatching } from '../../src/redis/client.js';
import { TEST_REDIS_URL, uniqueSuffix } from './env.js';

/** A Redis connection whose keys all carry a prefix of this test's own; the keys are deleted at teardown. */
export async function createTestRedis(t: Test, url = TEST_REDIS_URL): Promise<{ redis: Redis; prefix: string }> {
  const prefix = `ringside-test:${uniqueSuffix()}:`;
  const redis = createRedis(url, prefix);
  await redis.connect();
  t.teardown(async () => {
    await deleteKeysMatching(url, `${prefix}*`).catch(() => undefined);
    redis.disconnect();
  });
  return { redis, prefix };
}
