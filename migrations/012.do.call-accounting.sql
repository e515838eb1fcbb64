-- The accounting identity (ringside audit): every call that arrives has exactly one final outcome. The outcome
-- column with its detail already says which; this function names the classes the audit counts, in one place.
-- And the outbox of interaction writes made while PostgreSQL was away: each replayed write is applied once.
BEGIN;

CREATE OR REPLACE FUNCTION interaction_final_outcome(outcome text, detail text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN outcome IS NULL THEN NULL
    WHEN outcome = 'abandoned' AND detail LIKE 'ivr:%' THEN 'abandoned_in_ivr'
    WHEN outcome = 'abandoned' AND detail LIKE 'queue:%' THEN 'abandoned_in_queue'
    WHEN outcome = 'abandoned' AND detail LIKE 'offered:%' THEN 'abandoned_while_offered'
    WHEN outcome = 'abandoned' THEN 'unclassified'
    WHEN outcome = 'transferred' THEN 'transferred_out'
    WHEN outcome = 'completed' THEN 'completed_in_ivr'
    WHEN outcome = 'failed' AND coalesce(detail, '') = '' THEN 'unclassified'
    ELSE outcome
  END
$$;

CREATE TABLE IF NOT EXISTS interaction_outbox_applied (
  write_id   text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS interaction_outbox_applied_at ON interaction_outbox_applied (applied_at);

COMMIT;
