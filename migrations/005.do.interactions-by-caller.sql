-- The routing rules ask how often a caller called in the last 24 hours, by customer or by number: both halves
-- of that question need an index, or every call scans a day of interactions (100,000 rows in a busy center).
BEGIN;

CREATE INDEX IF NOT EXISTS interactions_caller_recent ON interactions (caller_e164, arrived_at DESC) WHERE caller_e164 IS NOT NULL;

COMMIT;
