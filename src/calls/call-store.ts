import type { Redis } from '../redis/client.js';
import type { ArrivedCall } from './call-session.js';

/** A live call as kept in Redis, so another process (or this one after a restart) can find it. */
export interface StoredCall {
  channelId: string;
  node: string;
  app: string;
  callerNumber: string;
  dialledNumber: string;
  arrivedAt: string;
  stage: string;
}

/** A safety net only: keys are deleted when calls end; this bounds what a crash could leave behind. */
const CALL_TTL_SECONDS = 12 * 3600;

/** Per-call state in Redis: `call:<channelId>` hashes, indexed per Stasis application. */
export class CallStore {
  constructor(
    private readonly redis: Redis,
    private readonly app: string,
    private readonly node: string,
  ) {}

  private key(channelId: string): string {
    return `call:${channelId}`;
  }

  private indexKey(): string {
    return `calls:app:${this.app}`;
  }

  async save(call: ArrivedCall, stage: string): Promise<void> {
    const record: StoredCall = {
      channelId: call.channelId,
      node: this.node,
      app: this.app,
      callerNumber: call.callerNumber,
      dialledNumber: call.dialledNumber,
      arrivedAt: call.arrivedAt.toISOString(),
      stage,
    };
    await this.redis
      .multi()
      .hset(this.key(call.channelId), record)
      .expire(this.key(call.channelId), CALL_TTL_SECONDS)
      .sadd(this.indexKey(), call.channelId)
      .exec();
  }

  async setStage(channelId: string, stage: string): Promise<void> {
    await this.redis.hset(this.key(channelId), 'stage', stage);
  }

  async remove(channelId: string): Promise<void> {
    await this.redis.multi().del(this.key(channelId)).srem(this.indexKey(), channelId).exec();
  }

  async list(): Promise<StoredCall[]> {
    const ids = await this.redis.smembers(this.indexKey());
    const calls: StoredCall[] = [];
    for (const channelId of ids) {
      const record = (await this.redis.hgetall(this.key(channelId))) as Partial<StoredCall>;
      if (record.channelId) calls.push(record as StoredCall);
      else await this.redis.srem(this.indexKey(), channelId);
    }
    return calls;
  }
}
