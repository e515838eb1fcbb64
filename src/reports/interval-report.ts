import type { Queryable } from '../db/queryable.js';
import { QUEUE_DEFAULTS } from '../routing/queue-defaults.js';
import { CALL_SUMS, callsCte, ROLLUP_SUMS } from './call-figures-sql.js';
import type { IntervalMinutes, TimeRange } from './report-range.js';
import { isBucketAligned, type QueueThreshold, type ReportRollup } from './report-rollup.js';

/** A queue's service-level threshold, from the routing rules; a queue they no longer name gets the default. */
export type { QueueThreshold };

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
function figuresOf<Head extends object>(head: Head, row: FigureRow): Head & IntervalFigures {
  const handled = row.answered + row.abandoned;
  // One literal per row, not spreads of two: a day's agent report is 25,000 rows and spreading took most of its time.
  return Object.assign(head, {
    offered: row.offered,
    answered: row.answered,
    abandoned: row.abandoned,
    answeredWithinThreshold: row.within,
    serviceLevelPercent: percent(row.within, handled),
    abandonRatePercent: percent(row.abandoned, handled),
    asaSeconds: row.answered === 0 ? null : tenth(row.wait_sum / row.answered),
    ahtSeconds: row.talks === 0 ? null : tenth(row.talk_sum / row.talks),
    longestWaitSeconds: tenth(row.longest),
  });
}

/** The live path, for a range that does not start and end on the roll-up's 15-minute buckets. */
function liveFiguresSql(by: 'queue' | 'agent', filtered: boolean): string {
  const key = by === 'queue' ? 'i.queue' : 'i.agent_id';
  const filter = !filtered ? '' : by === 'queue' ? 'AND i.queue = $7' : 'AND i.agent_id = $7::bigint';
  return `
    WITH ${callsCte({
      names: '$4',
      seconds: '$5',
      fallback: '$6',
      columns: `${key} AS key, date_bin(make_interval(mins => $3), i.queued_at, $1::timestamptz) AS bucket`,
      where: `i.queued_at >= $1 AND i.queued_at < $2 ${by === 'agent' ? 'AND i.agent_id IS NOT NULL' : ''} ${filter}`,
    })}
    SELECT key::text AS key, extract(epoch FROM bucket)::float8 AS bucket, ${CALL_SUMS}
      FROM calls
     GROUP BY key, bucket`;
}

/** Sums a range's 15-minute roll-up rows into its intervals (date_bin from `from`, itself a bucket start). */
function rolledFiguresSql(by: 'queue' | 'agent', filtered: boolean): string {
  const filter = !filtered ? '' : by === 'queue' ? 'AND queue = $4' : 'AND agent_id = $4::bigint';
  return `
    SELECT ${by === 'queue' ? 'queue' : 'agent_id'}::text AS key,
           extract(epoch FROM date_bin(make_interval(mins => $3), bucket, $1::timestamptz))::float8 AS bucket,
           ${ROLLUP_SUMS}
      FROM report_rollup
     WHERE bucket >= $1 AND bucket < $2 ${by === 'agent' ? 'AND agent_id IS NOT NULL' : ''} ${filter}
     GROUP BY 1, 2`;
}

/**
 * A plain GROUP BY (hashed; GROUPING SETS sorted a day's calls on disk) with totals added up in Node. With a
 * roll-up and a range on its buckets the figures come from it (made current first); otherwise from the calls.
 */
async function figures(db: Queryable, rollup: ReportRollup | undefined, by: 'queue' | 'agent', query: IntervalReportQuery, only: string | undefined): Promise<FigureRow[]> {
  const filter = only !== undefined ? [only] : [];
  if (rollup && isBucketAligned(query.from) && isBucketAligned(query.to)) {
    await rollup.refresh(query.from, query.to, query.thresholds);
    const { rows } = await db.query<FigureRow>(rolledFiguresSql(by, only !== undefined), [query.from, query.to, query.intervalMinutes, ...filter]);
    return rows;
  }
  const params: unknown[] = [
    query.from,
    query.to,
    query.intervalMinutes,
    query.thresholds.map((queue) => queue.name),
    query.thresholds.map((queue) => queue.serviceLevelSeconds),
    QUEUE_DEFAULTS.serviceLevelSeconds,
    ...filter,
  ];
  const { rows } = await db.query<FigureRow>(liveFiguresSql(by, only !== undefined), params);
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
export async function queueIntervalReport(db: Queryable, query: IntervalReportQuery & { queue?: string }, rollup?: ReportRollup): Promise<IntervalReport<QueueIntervalRow>> {
  const thresholds = new Map(query.thresholds.map((queue) => [queue.name, queue.serviceLevelSeconds]));
  const rows = (await figures(db, rollup, 'queue', query, query.queue)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (a.bucket ?? 0) - (b.bucket ?? 0)));
  return split(query, rows, (row, interval) =>
    figuresOf({ intervalStart: interval.intervalStart, intervalStartLocal: interval.intervalStartLocal, queue: row.key, serviceLevelSeconds: thresholds.get(row.key) ?? QUEUE_DEFAULTS.serviceLevelSeconds }, row),
  );
}

/** Per agent and interval, each call against its own queue's threshold; totals per agent over the range. */
export async function agentIntervalReport(db: Queryable, query: IntervalReportQuery & { agentId?: string }, rollup?: ReportRollup): Promise<IntervalReport<AgentIntervalRow>> {
  // Sorted as numbers, not as the text keys: agent 10 after agent 9.
  const rows = (await figures(db, rollup, 'agent', query, query.agentId)).sort((a, b) => Number(a.key) - Number(b.key) || (a.bucket ?? 0) - (b.bucket ?? 0));
  const ids = [...new Set(rows.map((row) => row.key))];
  const { rows: users } = await db.query<{ id: string; display_name: string }>('SELECT id::text AS id, display_name FROM users WHERE id = ANY($1::bigint[])', [ids]);
  const names = new Map(users.map((user) => [user.id, user.display_name]));
  return split(query, rows, (row, interval) =>
    figuresOf({ intervalStart: interval.intervalStart, intervalStartLocal: interval.intervalStartLocal, agentId: row.key, displayName: names.get(row.key) ?? '' }, row),
  );
}
