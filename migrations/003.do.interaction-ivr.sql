-- What the IVR learns about a call, kept on its interaction: the attributes
-- handed to routing and a voicemail recording; and calls the IVR itself completes.
BEGIN;

ALTER TABLE interactions ADD COLUMN IF NOT EXISTS attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object');
ALTER TABLE interactions ADD COLUMN IF NOT EXISTS recording text;
ALTER TABLE interactions ADD COLUMN IF NOT EXISTS flow text;

ALTER TABLE interactions DROP CONSTRAINT IF EXISTS interactions_outcome_check;
ALTER TABLE interactions ADD CONSTRAINT interactions_outcome_check
  CHECK (outcome IN ('answered', 'abandoned', 'voicemail', 'callback', 'transferred', 'failed', 'completed'));

COMMIT;
