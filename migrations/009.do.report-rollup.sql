-- Roll-ups of the interval reports: the figures of each 15-minute bucket (UTC-aligned, so they add up to
-- 15, 30 and 60-minute intervals in any time zone) per queue and agent. A day's report then sums about
-- 100 rows per agent instead of reading 100,000 calls.
--
-- A bucket is "the calls that entered a queue in it". Every change to such a call bumps the bucket's
-- version (statement triggers below, so a bulk insert costs one upsert per bucket); its roll-up rows are
-- valid while rolled_version = version and they were computed with the service-level thresholds in force.
BEGIN;

CREATE TABLE IF NOT EXISTS report_buckets (
  bucket         timestamptz PRIMARY KEY,
  version        bigint NOT NULL DEFAULT 0,
  rolled_version bigint,
  -- The queues' service-level thresholds the "answered within" counts were computed with.
  thresholds     text
);

CREATE TABLE IF NOT EXISTS report_rollup (
  bucket    timestamptz NOT NULL REFERENCES report_buckets (bucket) ON DELETE CASCADE,
  queue     text NOT NULL,
  -- null: calls never offered to an agent.
  agent_id  bigint,
  offered   integer NOT NULL,
  answered  integer NOT NULL,
  abandoned integer NOT NULL,
  within    integer NOT NULL,
  wait_sum  float8 NOT NULL,
  talk_sum  float8 NOT NULL,
  talks     integer NOT NULL,
  longest   float8
);
CREATE INDEX IF NOT EXISTS report_rollup_bucket ON report_rollup (bucket);

CREATE OR REPLACE FUNCTION report_bucket_of(at timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_bin(interval '15 minutes', at, timestamptz '1970-01-01 00:00:00+00');

-- Buckets are locked in ascending order, as the roll-up takes them, so a writer and a roll-up never deadlock.
CREATE OR REPLACE FUNCTION report_buckets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_buckets AS r (bucket, version)
    SELECT b, 1 FROM (SELECT DISTINCT report_bucket_of(queued_at) AS b FROM new_rows WHERE queued_at IS NOT NULL) s ORDER BY b
    ON CONFLICT (bucket) DO UPDATE SET version = r.version + 1;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_buckets AS r (bucket, version)
    SELECT b, 1 FROM (SELECT DISTINCT report_bucket_of(queued_at) AS b FROM old_rows WHERE queued_at IS NOT NULL) s ORDER BY b
    ON CONFLICT (bucket) DO UPDATE SET version = r.version + 1;
  ELSE
    -- Only the columns the figures read: notes, dispositions and IVR steps leave the roll-up valid.
    INSERT INTO report_buckets AS r (bucket, version)
    SELECT b, 1 FROM (
      SELECT DISTINCT report_bucket_of(q) AS b FROM (
        SELECT o.queued_at AS old_queued, n.queued_at AS new_queued
          FROM old_rows o JOIN new_rows n USING (id)
         WHERE (o.queued_at, o.queue, o.agent_id, o.answered_at, o.ended_at, o.outcome)
               IS DISTINCT FROM (n.queued_at, n.queue, n.agent_id, n.answered_at, n.ended_at, n.outcome)
      ) changed CROSS JOIN LATERAL (VALUES (changed.old_queued), (changed.new_queued)) AS v (q)
       WHERE q IS NOT NULL
    ) s ORDER BY b
    ON CONFLICT (bucket) DO UPDATE SET version = r.version + 1;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS interactions_report_insert ON interactions;
CREATE TRIGGER interactions_report_insert AFTER INSERT ON interactions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_buckets_touch();
DROP TRIGGER IF EXISTS interactions_report_update ON interactions;
CREATE TRIGGER interactions_report_update AFTER UPDATE ON interactions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_buckets_touch();
DROP TRIGGER IF EXISTS interactions_report_delete ON interactions;
CREATE TRIGGER interactions_report_delete AFTER DELETE ON interactions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_buckets_touch();

-- The calls recorded before this migration: their buckets exist and are not rolled up yet.
INSERT INTO report_buckets (bucket, version)
SELECT DISTINCT report_bucket_of(queued_at), 1 FROM interactions WHERE queued_at IS NOT NULL
ON CONFLICT (bucket) DO NOTHING;

COMMIT;
