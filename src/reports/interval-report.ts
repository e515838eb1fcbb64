import type { Queryable } from '../db/queryable.js';
import { QUEUE_DEFAULTS } from '../routing/queue-defaults.js';
import type { IntervalMinutes, TimeRange } from './report-range.js';

/** A queue's service-level threshold, from the routing rules; a queue they no longer name gets the default. */
export interface QueueThreshold {
  name: string;
  serviceLevelSeconds: number;
}

export interface IntervalFigures {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinThreshold: number;
  serviceLevelPercent: number | null;
  abandonRatePercent: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  longestWaitSeconds: number | null;
}

interface Interval {
  /** null on a row of totals over the whole range. */
  intervalStart: string | null;
  /** The same start on the center's wall clock, YYYY-MM-DD HH:MM. */
  intervalStartLocal: string | null;
}

export type QueueIntervalRow = Interval & { queue: string; serviceLevelSeconds: number } & IntervalFigures;
export type AgentIntervalRow = Interval & { agentId: string; displayName: string } & IntervalFigures;

export interface IntervalReport<Row> {
  from: string;
  to: string;
  timezone: string;
  intervalMinutes: IntervalMinutes;
  rows: Row[];
  totals: Row[];
}

export interface IntervalReportQuery extends TimeRange {
  intervalMinutes: IntervalMinutes;
  timezone: string;
  thresholds: readonly QueueThreshold[];
}

/** Sums, not averages, so that an interval's figures add up to the totals without a second pass in SQL. */
interface FigureRow {
  key: string;
  /** Epoch seconds of the interval's start; null on totals. */
  bucket: number | null;
  offered: number;
  answered: number;
  abandoned: number;
  within: number;
  /** Of the answered calls. */
  wait_sum: number;
  talk_sum: number;
  talks: number;
  longest: number | null;
}

const tenth = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
const percent = (part: number, whole: number): number | null => (whole === 0 ? null : tenth((part / whole) * 100));

/**
 * The rules the live wallboard uses too: SL % = answered within the threshold ÷ (answered + abandoned), so
 * every abandon counts against it and calls that left for voicemail or a callback count in neither part.
 */
function figuresOf(row: FigureRow): IntervalFigures {
  const handled = row.answered + row.abandoned;
  return {
    offered: row.offered,
    answered: row.answered,
    abandoned: row.abandoned,
    answeredWithinThreshold: row.within,
    serviceLevelPercent: percent(row.within, handled),
    abandonRatePercent: percent(row.abandoned, handled),
    asaSeconds: row.answered === 0 ? null : tenth(row.wait_sum / row.answered),
    ahtSeconds: row.talks === 0 ? null : tenth(row.talk_sum / row.talks),
    longestWaitSeconds: tenth(row.longest),
  };
}

/**
 * One pass over the range's calls, read by queued_at from migration 007's covering index. A call is counted
 * in the interval it entered the queue, in the queue it was last in (a transfer or overflow moves it) and for
 * the agent it was last offered to. Answered: an agent took it and the caller did not hang up waiting
 * afterwards (after a blind transfer, say). Wait: until the answer, or until the hang-up for an abandon.
 * Talk: answer to end, hold included; the wrap-up after it is not recorded in PostgreSQL.
 * A plain GROUP BY (hashed; GROUPING SETS sorted a day's calls on disk) with totals added up in Node.
 */
function figuresSql(by: 'queue' | 'agent', filtered: boolean): string {
  const key = by === 'queue' ? 'i.queue' : 'i.agent_id';
  const filter = !filtered ? '' : by === 'queue' ? 'AND i.queue = $7' : 'AND i.agent_id = $7::bigint';
  return `
    WITH thresholds AS (SELECT * FROM unnest($4::text[], $5::int[]) AS t (queue, seconds)),
    calls AS (
      SELECT ${key} AS key,
             date_bin(make_interval(mins => $3), i.queued_at, $1::timestamptz) AS bucket,
             c.answered, c.abandoned,
             -- greatest() skips nulls (it would make a missing time 0 s), so each time is checked first.
             CASE WHEN c.answered OR (c.abandoned AND i.ended_at IS NOT NULL) THEN
               greatest(0, extract(epoch FROM CASE WHEN c.answered THEN i.answered_at ELSE i.ended_at END - coalesce(i.queued_at, i.arrived_at)))::float8
             END AS wait,
             CASE WHEN c.answered AND i.ended_at IS NOT NULL THEN greatest(0, extract(epoch FROM i.ended_at - i.answered_at))::float8 END AS talk,
             coalesce(t.seconds, $6::int) AS threshold
        FROM interactions i
        CROSS JOIN LATERAL (
          SELECT i.answered_at IS NOT NULL AND i.outcome IS DISTINCT FROM 'abandoned' AS answered,
                 i.outcome IS NOT DISTINCT FROM 'abandoned' AS abandoned
        ) c
        LEFT JOIN thresholds t ON t.queue = i.queue
       WHERE i.queued_at >= $1 AND i.queued_at < $2 AND i.queued_at IS NOT NULL AND i.queue IS NOT NULL
         ${by === 'agent' ? 'AND i.agent_id IS NOT NULL' : ''} ${filter}
    )
    SELECT key::text AS key, extract(epoch FROM bucket)::float8 AS bucket,
           count(*)::int AS offered,
           count(*) FILTER (WHERE answered)::int AS answered,
           count(*) FILTER (WHERE abandoned)::int AS abandoned,
           count(*) FILTER (WHERE answered AND wait <= threshold)::int AS within,
           coalesce(sum(wait) FILTER (WHERE answered), 0) AS wait_sum,
           coalesce(sum(talk), 0) AS talk_sum,
           count(talk)::int AS talks,
           max(wait) AS longest
      FROM calls
     GROUP BY key, bucket
     ${by === 'queue' ? 'ORDER BY key, bucket' : ''}`;
}

async function figures(db: Queryable, by: 'queue' | 'agent', query: IntervalReportQuery, only: string | undefined): Promise<FigureRow[]> {
  const params: unknown[] = [
    query.from,
    query.to,
    query.intervalMinutes,
    query.thresholds.map((queue) => queue.name),
    query.thresholds.map((queue) => queue.serviceLevelSeconds),
    QUEUE_DEFAULTS.serviceLevelSeconds,
  ];
  if (only !== undefined) params.push(only);
  const { rows } = await db.query<FigureRow>(figuresSql(by, only !== undefined), params);
  return rows;
}

function totalsOf(rows: readonly FigureRow[]): FigureRow[] {
  const totals = new Map<string, FigureRow>();
  for (const row of rows) {
    const total = totals.get(row.key);
    if (!total) {
      totals.set(row.key, { ...row, bucket: null });
      continue;
    }
    total.offered += row.offered;
    total.answered += row.answered;
    total.abandoned += row.abandoned;
    total.within += row.within;
    total.wait_sum += row.wait_sum;
    total.talk_sum += row.talk_sum;
    total.talks += row.talks;
    total.longest = row.longest === null ? total.longest : Math.max(total.longest ?? 0, row.longest);
  }
  return [...totals.values()];
}

/** Wall-clock labels are formatted once per interval start, not once per row (a day of agents is 25,000 rows). */
function labeller(timezone: string): (bucket: number | null) => Interval {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const cache = new Map<number, Interval>();
  return (bucket) => {
    if (bucket === null) return { intervalStart: null, intervalStartLocal: null };
    let interval = cache.get(bucket);
    if (!interval) {
      const date = new Date(bucket * 1000);
      const part = (type: Intl.DateTimeFormatPartTypes): string => format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
      interval = { intervalStart: date.toISOString(), intervalStartLocal: `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}` };
      cache.set(bucket, interval);
    }
    return interval;
  };
}

function split<Row>(query: IntervalReportQuery, rows: FigureRow[], toRow: (row: FigureRow, interval: Interval) => Row): IntervalReport<Row> {
  const label = labeller(query.timezone);
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    timezone: query.timezone,
    intervalMinutes: query.intervalMinutes,
    rows: rows.map((row) => toRow(row, label(row.bucket))),
    totals: totalsOf(rows).map((row) => toRow(row, label(null))),
  };
}

/** Per queue and interval, with totals per queue over the range; intervals without calls have no row. */
export async function queueIntervalReport(db: Queryable, query: IntervalReportQuery & { queue?: string }): Promise<IntervalReport<QueueIntervalRow>> {
  const thresholds = new Map(query.thresholds.map((queue) => [queue.name, queue.serviceLevelSeconds]));
  const rows = await figures(db, 'queue', query, query.queue);
  return split(query, rows, (row, interval) => ({
    ...interval,
    queue: row.key,
    serviceLevelSeconds: thresholds.get(row.key) ?? QUEUE_DEFAULTS.serviceLevelSeconds,
    ...figuresOf(row),
  }));
}

/** Per agent and interval, each call against its own queue's threshold; totals per agent over the range. */
export async function agentIntervalReport(db: Queryable, query: IntervalReportQuery & { agentId?: string }): Promise<IntervalReport<AgentIntervalRow>> {
  // Sorted as numbers, not as the text keys: agent 10 after agent 9.
  const rows = (await figures(db, 'agent', query, query.agentId)).sort((a, b) => Number(a.key) - Number(b.key) || (a.bucket ?? 0) - (b.bucket ?? 0));
  const ids = [...new Set(rows.map((row) => row.key))];
  const { rows: users } = await db.query<{ id: string; display_name: string }>('SELECT id::text AS id, display_name FROM users WHERE id = ANY($1::bigint[])', [ids]);
  const names = new Map(users.map((user) => [user.id, user.display_name]));
  return split(query, rows, (row, interval) => ({ ...interval, agentId: row.key, displayName: names.get(row.key) ?? '', ...figuresOf(row) }));
}
