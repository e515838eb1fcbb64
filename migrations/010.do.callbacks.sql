-- Callbacks kept in line and dialled (src/callbacks): one row per request, from the queue, a website or an
-- agent's follow-up, through its attempts to one end: completed, failed (after its retries) or cancelled.
-- Each attempt is an outbound interaction (call_id callback-<id>-<attempt>) on the customer's history.
BEGIN;

ALTER TABLE callbacks DROP CONSTRAINT IF EXISTS callbacks_status_check;
UPDATE callbacks SET status = 'scheduled' WHERE status = 'pending';
ALTER TABLE callbacks ALTER COLUMN status SET DEFAULT 'scheduled';
ALTER TABLE callbacks ADD CONSTRAINT callbacks_status_check
  CHECK (status IN ('scheduled', 'queued', 'dialing', 'completed', 'failed', 'cancelled'));

ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'queue'
  CHECK (source IN ('queue', 'web', 'follow_up'));
-- The window the customer asked for (web requests); due_at moves within it to the calling hours.
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS window_start timestamptz;
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS window_end timestamptz;
-- A follow-up to the agent who booked it (their direct queue), or who booked it for a queue.
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS agent_id bigint REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 10);
-- The attempt in the ACD or on the phone now: its call id.
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS call_id text;
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS outcome_detail text;
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS ended_at timestamptz;
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();
-- A website sending the same request twice (a retried POST) gets the first one back.
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS request_key text UNIQUE CHECK (request_key <> '');
ALTER TABLE callbacks ADD COLUMN IF NOT EXISTS requested_by text;

CREATE INDEX IF NOT EXISTS callbacks_open ON callbacks (status, due_at) WHERE status IN ('scheduled', 'queued', 'dialing');
CREATE INDEX IF NOT EXISTS callbacks_recent ON callbacks (requested_at DESC, id DESC);
DROP INDEX IF EXISTS callbacks_due;

ALTER TABLE interactions ADD COLUMN IF NOT EXISTS callback_id bigint REFERENCES callbacks (id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS interactions_callback ON interactions (callback_id) WHERE callback_id IS NOT NULL;

-- The customer's own time zone (calling hours); without one, every zone of their number's country counts.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS timezone text CHECK (timezone <> '');

-- Numbers never to dial, whoever asks (besides a customer's own do_not_call flag).
CREATE TABLE IF NOT EXISTS dnc_numbers (
  e164     text PRIMARY KEY CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  reason   text NOT NULL DEFAULT '',
  added_by text,
  added_at timestamptz NOT NULL DEFAULT now()
);

COMMIT;
