import { inTransaction, type Pool } from '../db/pool.js';
import type { Logger } from '../logging/logger.js';
import { QUEUE_DEFAULTS } from '../routing/queue-defaults.js';
import { CALL_SUMS, callsCte } from './call-figures-sql.js';

/** The roll-up's bucket: UTC-aligned, so 15, 30 and 60-minute intervals of any time zone are whole buckets. */
export const BUCKET_MS = 15 * 60_000;
/** A longer run would hold the locks of the buckets it rolls up (and so the calls writing to them) too long. */
const BUCKETS_PER_TRANSACTION = 96;
const ROLL_EVERY_MS = 60_000;

export interface QueueThreshold {
  name: string;
  serviceLevelSeconds: number;
}

export const isBucketAligned = (at: Date): boolean => at.getTime() % BUCKET_MS === 0;

/** Identifies the thresholds a roll-up was computed with: the same queues and seconds give the same text. */
export function thresholdsKey(thresholds: readonly QueueThreshold[]): string {
  const pairs = thresholds.map((queue) => `${queue.name}=${queue.serviceLevelSeconds}`).sort();
  return JSON.stringify({ default: QUEUE_DEFAULTS.serviceLevelSeconds, queues: pairs });
}

const stale = (key: string): string => `(rolled_version IS DISTINCT FROM version OR thresholds IS DISTINCT FROM ${key})`;

/**
 * Keeps migration 009's 15-minute roll-up current: a report first rolls up the stale buckets of its range
 * (few, as a rule), and every node rolls up all stale buckets once a minute, so the first report of a day is
 * fast too. Rolling up a bucket locks it: a call written meanwhile waits, then marks it stale again.
 */
export class ReportRollup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Rolls up whatever in [from, to) is missing or stale, before a report reads it. */
  async refresh(from: Date, to: Date, thresholds: readonly QueueThreshold[]): Promise<void> {
    const key = thresholdsKey(thresholds);
    const { rows } = await this.pool.query<{ bucket: Date }>(
      `SELECT b.bucket FROM generate_series($1::timestamptz, $3::timestamptz - interval '15 minutes', interval '15 minutes') AS b (bucket)
         LEFT JOIN report_buckets r USING (bucket)
        WHERE r.bucket IS NULL OR ${stale('$2')}
        ORDER BY 1`,
      [from, key, to],
    );
    await this.rollUp(rows.map((row) => row.bucket), thresholds);
  }

  /** Every stale bucket, oldest first. */
  async rollStale(thresholds: readonly QueueThreshold[]): Promise<number> {
    const { rows } = await this.pool.query<{ bucket: Date }>(`SELECT bucket FROM report_buckets WHERE ${stale('$1')} ORDER BY bucket`, [thresholdsKey(thresholds)]);
    await this.rollUp(rows.map((row) => row.bucket), thresholds);
    return rows.length;
  }

  /** At once (history seeded or written while no node ran), then every minute. */
  start(thresholds: () => readonly QueueThreshold[]): void {
    const roll = (): void => {
      if (this.running) return;
      this.running = this.rollStale(thresholds())
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ err: error }, 'could not roll up the interval reports'),
        )
        .finally(() => (this.running = undefined));
    };
    roll();
    this.timer = setInterval(roll, ROLL_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async rollUp(buckets: readonly Date[], thresholds: readonly QueueThreshold[]): Promise<void> {
    for (let start = 0; start < buckets.length; start += BUCKETS_PER_TRANSACTION) {
      await this.rollUpChunk(buckets.slice(start, start + BUCKETS_PER_TRANSACTION), thresholds);
    }
  }

  private async rollUpChunk(buckets: readonly Date[], thresholds: readonly QueueThreshold[]): Promise<void> {
    if (buckets.length === 0) return;
    const key = thresholdsKey(thresholds);
    await inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO report_buckets (bucket) SELECT b FROM unnest($1::timestamptz[]) AS b ORDER BY b ON CONFLICT (bucket) DO NOTHING', [buckets]);
      // Locked, then checked again: another node may have rolled them up while this one waited.
      const { rows } = await client.query<{ bucket: Date }>(
        `SELECT bucket FROM report_buckets WHERE bucket = ANY($1::timestamptz[]) AND ${stale('$2')} ORDER BY bucket FOR UPDATE`,
        [buckets, key],
      );
      if (rows.length === 0) return;
      const rolled = rows.map((row) => row.bucket);
      await client.query('DELETE FROM report_rollup WHERE bucket = ANY($1::timestamptz[])', [rolled]);
      await client.query(
        `INSERT INTO report_rollup (bucket, queue, agent_id, offered, answered, abandoned, within, wait_sum, talk_sum, talks, longest)
         WITH ${callsCte({
           names: '$4',
           seconds: '$5',
           fallback: '$6',
           columns: 'report_bucket_of(i.queued_at) AS bucket, i.queue, i.agent_id',
           where: 'i.queued_at >= $2 AND i.queued_at < $3',
         })}
         SELECT bucket, queue, agent_id, ${CALL_SUMS}
           FROM calls WHERE bucket = ANY($1::timestamptz[])
          GROUP BY bucket, queue, agent_id`,
        [
          rolled,
          rolled[0],
          new Date(rolled[rolled.length - 1]!.getTime() + BUCKET_MS),
          thresholds.map((queue) => queue.name),
          thresholds.map((queue) => queue.serviceLevelSeconds),
          QUEUE_DEFAULTS.serviceLevelSeconds,
        ],
      );
      await client.query('UPDATE report_buckets SET rolled_version = version, thresholds = $2 WHERE bucket = ANY($1::timestamptz[])', [rolled, key]);
    });
  }
}
