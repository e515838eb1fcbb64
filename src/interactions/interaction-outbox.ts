import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/paths.js';
import type { Pool } from '../db/pool.js';
import { isDatabaseUnavailable } from '../db/queryable.js';
import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import { parseWrite, WRITE_SQL, type InteractionWrite } from './interaction-writes.js';

/** One hash tag for the list and its lock: the pop script touches both (Redis Cluster). */
const OUTBOX_KEY = '{interactions}:outbox';
const DRAINER_LOCK_KEY = '{interactions}:outbox:drainer';
/** Writes that PostgreSQL refused for a reason of their own: kept for a person to read, never retried. */
const REFUSED_KEY = '{interactions}:outbox:refused';
const LOCK_MS = 30_000;
const DRAIN_EVERY_MS = 1_000;
/** A drainer round gives way after this many writes, so a long backlog never holds the event loop or the lock. */
const ROUND_WRITES = 500;
/** How long the proof that a write was applied is kept: far beyond any outbox backlog. */
const APPLIED_RETENTION = '7 days';

const PRUNE_EVERY_MS = 60 * 60_000;

const POP_SCRIPT = fs.readFileSync(path.join(projectRoot(), 'src', 'interactions', 'lua', 'outbox-pop-1.lua'), 'utf8');

type OutboxRedis = Redis & { interactionOutboxPop(key: string, lockKey: string, token: string, entry: string): Promise<number> };

/** What waits in the outbox, and what was set aside, for an audit from outside a running node. */
export async function outboxCounts(redis: Redis): Promise<{ pending: number; refused: number }> {
  const [pending, refused] = await Promise.all([redis.llen(OUTBOX_KEY), redis.llen(REFUSED_KEY)]);
  return { pending, refused };
}

/**
 * Interaction writes that PostgreSQL could not take (it is stopped,
 * restarting, unreachable) wait here, in Redis, in arrival order, and are
 * applied when it is back: each exactly once (its id is recorded in the same
 * transaction), in order, by one drainer at a time across every node.
 */
export class InteractionOutbox {
  private readonly redis: OutboxRedis;
  private readonly token = randomUUID();
  /** True from this node's first diversion until the outbox is seen empty: writes keep their order behind it. */
  private diverting = false;
  private pushes = 0;
  private timer: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly prefix: string;

  constructor(
    redis: Redis,
    private readonly db: Pool,
    private readonly logger: Logger,
  ) {
    this.redis = redis as OutboxRedis;
    this.prefix = redis.options.keyPrefix ?? '';
    if (!('interactionOutboxPop' in redis)) redis.defineCommand('interactionOutboxPop', { numberOfKeys: 1, lua: POP_SCRIPT });
  }

  /** While true, every write goes behind the ones already waiting. */
  holding(): boolean {
    return this.diverting;
  }

  async push(write: InteractionWrite): Promise<void> {
    this.diverting = true;
    this.pushes += 1;
    await this.redis.rpush(OUTBOX_KEY, JSON.stringify(write));
  }

  counts(): Promise<{ pending: number; refused: number }> {
    return outboxCounts(this.redis);
  }

  start(): void {
    this.timer = setInterval(() => void this.drain(), DRAIN_EVERY_MS);
    this.timer.unref();
    this.pruner = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS);
    this.pruner.unref();
    void this.drain();
  }

  /** Stops the rounds; one in progress finishes its current write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruner);
    this.timer = undefined;
    await this.draining;
  }

  /** One round: applies what waits if this node gets the lock; resolves when done or PostgreSQL is still away. */
  drain(): Promise<void> {
    this.draining ??= this.round()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'interaction outbox round failed; retrying'))
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async round(): Promise<void> {
    const seenPushes = this.pushes;
    if ((await this.redis.llen(OUTBOX_KEY)) === 0) {
      // Nothing pushed since the length was read: later writes may go straight to PostgreSQL again.
      if (seenPushes === this.pushes) this.diverting = false;
      return;
    }
    const locked = await this.redis.set(DRAINER_LOCK_KEY, this.token, 'PX', LOCK_MS, 'NX');
    if (locked !== 'OK' && (await this.redis.get(DRAINER_LOCK_KEY)) !== this.token) return;
    try {
      let applied = 0;
      for (let done = 0; done < ROUND_WRITES; done++) {
        const entry = await this.redis.lindex(OUTBOX_KEY, 0);
        if (entry === null) break;
        await this.redis.pexpire(DRAINER_LOCK_KEY, LOCK_MS);
        const outcome = await this.applyEntry(entry);
        if (outcome === 'unavailable') return;
        const popped = await this.redis.interactionOutboxPop(OUTBOX_KEY, this.prefix + DRAINER_LOCK_KEY, this.token, entry);
        if (popped === -1) return;
        if (outcome === 'applied') applied += 1;
      }
      if (applied > 0) this.logger.info({ applied, pending: await this.redis.llen(OUTBOX_KEY) }, 'applied interaction writes kept while PostgreSQL was away');
    } finally {
      const holder = await this.redis.get(DRAINER_LOCK_KEY);
      if (holder === this.token) await this.redis.del(DRAINER_LOCK_KEY);
    }
  }

  private async applyEntry(entry: string): Promise<'applied' | 'already' | 'refused' | 'unavailable'> {
    const write = parseWrite(entry);
    if (!write) {
      await this.refuse(entry, 'not an interaction write');
      return 'refused';
    }
    let client;
    try {
      client = await this.db.connect();
    } catch (error) {
      if (isDatabaseUnavailable(error)) return 'unavailable';
      throw error;
    }
    try {
      await client.query('BEGIN');
      const first = await client.query('INSERT INTO interaction_outbox_applied (write_id) VALUES ($1) ON CONFLICT DO NOTHING', [write.id]);
      if (first.rowCount === 1) await client.query(WRITE_SQL[write.op], write.params);
      await client.query('COMMIT');
      return first.rowCount === 1 ? 'applied' : 'already';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isDatabaseUnavailable(error)) return 'unavailable';
      this.logger.error({ err: error, callId: write.callId, op: write.op }, 'PostgreSQL refused a kept interaction write; moved aside');
      await this.refuse(entry, error instanceof Error ? error.message : String(error));
      return 'refused';
    } finally {
      client.release();
    }
  }

  private async refuse(entry: string, reason: string): Promise<void> {
    await this.redis.rpush(REFUSED_KEY, JSON.stringify({ entry, reason, at: new Date().toISOString() }));
  }

  /** Forgets applied-write ids older than the retention (a daily chore is plenty). */
  async prune(): Promise<number> {
    const result = await this.db.query(`DELETE FROM interaction_outbox_applied WHERE applied_at < now() - interval '${APPLIED_RETENTION}'`);
    return result.rowCount ?? 0;
  }
}
