/**
 * The SQL both the live reports and the roll-up use to turn interactions into figures, so the two cannot
 * count differently. A call is counted in the bucket it entered the queue, in the queue it was last in (a
 * transfer or overflow moves it) and for the agent it was last offered to. Answered: an agent took it and
 * the caller did not hang up waiting afterwards (after a blind transfer, say). Wait: until the answer, or
 * until the hang-up for an abandon. Talk: answer to end, hold included; the wrap-up after it is not
 * recorded in PostgreSQL.
 */
export interface CallsCteOptions {
  /** Placeholders of the thresholds: queue names (text[]), their seconds (int[]) and the default (int). */
  names: string;
  seconds: string;
  fallback: string;
  /** Extra columns of each call (e.g. its bucket and key). */
  columns: string;
  /** Conditions on `i` (interactions) beyond "queued". */
  where: string;
}

export function callsCte({ names, seconds, fallback, columns, where }: CallsCteOptions): string {
  return `
    thresholds AS (SELECT * FROM unnest(${names}::text[], ${seconds}::int[]) AS t (queue, seconds)),
    calls AS (
      SELECT ${columns},
             c.answered, c.abandoned,
             -- greatest() skips nulls (it would make a missing time 0 s), so each time is checked first.
             CASE WHEN c.answered OR (c.abandoned AND i.ended_at IS NOT NULL) THEN
               greatest(0, extract(epoch FROM CASE WHEN c.answered THEN i.answered_at ELSE i.ended_at END - coalesce(i.queued_at, i.arrived_at)))::float8
             END AS wait,
             CASE WHEN c.answered AND i.ended_at IS NOT NULL THEN greatest(0, extract(epoch FROM i.ended_at - i.answered_at))::float8 END AS talk,
             coalesce(t.seconds, ${fallback}::int) AS threshold
        FROM interactions i
        CROSS JOIN LATERAL (
          SELECT i.answered_at IS NOT NULL AND i.outcome IS DISTINCT FROM 'abandoned' AS answered,
                 i.outcome IS NOT DISTINCT FROM 'abandoned' AS abandoned
        ) c
        LEFT JOIN thresholds t ON t.queue = i.queue
       WHERE i.queued_at IS NOT NULL AND i.queue IS NOT NULL AND ${where}
    )`;
}

/** The figures of a group of `calls`, as sums (not averages) so that groups add up. */
export const CALL_SUMS = `
  count(*)::int AS offered,
  count(*) FILTER (WHERE answered)::int AS answered,
  count(*) FILTER (WHERE abandoned)::int AS abandoned,
  count(*) FILTER (WHERE answered AND wait <= threshold)::int AS within,
  coalesce(sum(wait) FILTER (WHERE answered), 0)::float8 AS wait_sum,
  coalesce(sum(talk), 0)::float8 AS talk_sum,
  count(talk)::int AS talks,
  max(wait) AS longest`;

/** The same figures summed over roll-up rows. */
export const ROLLUP_SUMS = `
  sum(offered)::int AS offered,
  sum(answered)::int AS answered,
  sum(abandoned)::int AS abandoned,
  sum(within)::int AS within,
  sum(wait_sum)::float8 AS wait_sum,
  sum(talk_sum)::float8 AS talk_sum,
  sum(talks)::int AS talks,
  max(longest) AS longest`;
