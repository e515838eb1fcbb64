-- Interval reports and the interaction search. A day of a busy center is 100,000 calls in a table of months:
-- the reports read one day by queued_at from a covering index (an index-only scan, never the heap of the other
-- days), and each search filter has an index ordered newest first, so a page stops after its first rows.
BEGIN;

CREATE INDEX IF NOT EXISTS interactions_queued_report ON interactions (queued_at)
  INCLUDE (queue, agent_id, arrived_at, answered_at, ended_at, outcome)
  WHERE queued_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS interactions_queue_recent ON interactions (queue, arrived_at DESC, id DESC) WHERE queue IS NOT NULL;
CREATE INDEX IF NOT EXISTS interactions_outcome_recent ON interactions (outcome, arrived_at DESC, id DESC) WHERE outcome IS NOT NULL;

COMMIT;
