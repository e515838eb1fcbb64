import type { Pool } from '../db/pool.js';

export interface CallHistoryOptions {
  days: number;
  callsPerDay: number;
  /** Customer ids 1..customers exist (seeded just before); three calls in four come from one of them. */
  customers: number;
  seed: number;
  timezone: string;
  onDay?: (daysDone: number) => void;
}

export const MAX_HISTORY_DAYS = 400;
export const MAX_CALLS_PER_DAY = 1_000_000;

/** About 250 calls per agent and day; the queue of a busy center has hundreds of agents, not the demo's eight. */
const agentsFor = (callsPerDay: number): number => Math.min(500, Math.max(8, Math.ceil(callsPerDay / 250)));

export function checkHistoryOptions(days: number, callsPerDay: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_HISTORY_DAYS) throw new Error(`--history-days must be a whole number from 1 to ${MAX_HISTORY_DAYS}`);
  if (!Number.isInteger(callsPerDay) || callsPerDay < 1 || callsPerDay > MAX_CALLS_PER_DAY) throw new Error(`--calls-per-day must be a whole number from 1 to ${MAX_CALLS_PER_DAY}`);
}

/**
 * One call of a past day, drawn in SQL from random() after setseed() (the same seed gives the same history):
 * most arrivals between 08:00 and 20:00 on the center's clock, 10–60 s in the IVR, 3 % never reach a queue,
 * waits roughly exponential (mean 25 s), 7 % abandon, 3 % leave for voicemail or a callback, talk 1–15 min.
 */
const DAY_SQL = `
  WITH draws AS (
    SELECT g, random() AS r_time, random() AS r_day, random() AS r_queue, random() AS r_ivr, random() AS r_kind,
           random() AS r_wait, random() AS r_talk, random() AS r_agent, random() AS r_customer, random() AS r_disposition
      FROM generate_series(1, $2::int) AS g
  ), shaped AS (
    SELECT d.*,
           (($3::date - $1::int)::timestamp AT TIME ZONE $4) + make_interval(secs => CASE WHEN d.r_day < 0.85 THEN 28800 + d.r_time * 43200 ELSE d.r_time * 86400 END) AS arrived,
           10 + floor(d.r_ivr * 50) AS ivr,
           least(600, -ln(1 - d.r_wait * 0.9999) * 25) AS wait,
           60 + -ln(1 - d.r_talk * 0.9999) * 180 AS talk,
           (ARRAY['support', 'support', 'support', 'support', 'sales', 'sales', 'billing', 'billing', 'billing', 'vip'])[1 + floor(d.r_queue * 10)::int] AS queue
      FROM draws d
  ), calls AS (
    SELECT s.*,
           CASE WHEN s.r_kind < 0.03 THEN 'ivr' WHEN s.r_kind < 0.10 THEN 'abandoned' WHEN s.r_kind < 0.12 THEN 'voicemail'
                WHEN s.r_kind < 0.13 THEN 'callback' ELSE 'answered' END AS kind,
           $7::bigint[] AS agents
      FROM shaped s
  )
  INSERT INTO interactions (call_id, customer_id, direction, caller_number, caller_e164, dialled_number, queue, agent_id,
                            arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, outcome_detail, disposition, notes)
  SELECT 'history-' || $5::text || '-' || $1::text || '-' || c.g,
         CASE WHEN $6::int > 0 AND c.r_customer < 0.75 THEN 1 + floor(c.r_customer / 0.75 * $6::int)::bigint END,
         'inbound', '+1202555' || lpad((c.g % 10000)::text, 4, '0'), '+1202555' || lpad((c.g % 10000)::text, 4, '0'), '+18005550100',
         CASE WHEN c.kind <> 'ivr' THEN c.queue END,
         CASE WHEN c.kind = 'answered' THEN c.agents[1 + floor(c.r_agent * array_length(c.agents, 1))::int] END,
         c.arrived,
         CASE WHEN c.kind <> 'ivr' THEN c.arrived + make_interval(secs => c.ivr) END,
         CASE WHEN c.kind = 'answered' THEN c.arrived + make_interval(secs => c.ivr + greatest(0, c.wait - 4)) END,
         CASE WHEN c.kind = 'answered' THEN c.arrived + make_interval(secs => c.ivr + c.wait) END,
         c.arrived + make_interval(secs => c.ivr + CASE c.kind WHEN 'ivr' THEN 0 WHEN 'answered' THEN c.wait + c.talk
                                                         WHEN 'abandoned' THEN c.wait * 1.5 ELSE c.wait + 30 END),
         CASE c.kind WHEN 'ivr' THEN 'abandoned' ELSE c.kind END,
         CASE c.kind WHEN 'ivr' THEN 'ivr:menu' WHEN 'abandoned' THEN 'queue:' || c.queue WHEN 'voicemail' THEN 'history-voicemail'
                     WHEN 'callback' THEN 'callback:history' ELSE 'agent:' || c.agents[1 + floor(c.r_agent * array_length(c.agents, 1))::int] END,
         CASE WHEN c.kind = 'answered' THEN (ARRAY['resolved', 'resolved', 'resolved', 'follow_up', 'escalated', 'sale', 'complaint', 'no_action'])[1 + floor(c.r_disposition * 8)::int] END,
         ''
    FROM calls c`;

/**
 * Past days of calls as the ACD records them, for reports and their benchmark: `days` whole days before
 * today on the center's clock, `callsPerDay` each. Generated inside PostgreSQL (a day per statement), so
 * 30 days of 100,000 calls take a minute or two rather than a stream of rows from Node.
 */
export async function seedCallHistory(pool: Pool, options: CallHistoryOptions): Promise<{ calls: number; agents: number; seconds: number }> {
  checkHistoryOptions(options.days, options.callsPerDay);
  const started = performance.now();
  // Inactive and without a password anyone knows: they exist for the reports' names, nobody logs in as them.
  await pool.query(
    `INSERT INTO users (username, display_name, role, password_hash, active)
     SELECT 'history.agent.' || lpad(g::text, 3, '0'), 'History Agent ' || g, 'agent', '!', false FROM generate_series(1, $1::int) AS g
     ON CONFLICT (username) DO NOTHING`,
    [agentsFor(options.callsPerDay)],
  );
  const { rows: agents } = await pool.query<{ id: string }>("SELECT id::text AS id FROM users WHERE role = 'agent' ORDER BY id");
  const { rows: today } = await pool.query<{ day: string }>('SELECT (now() AT TIME ZONE $1)::date::text AS day', [options.timezone]);
  const client = await pool.connect();
  try {
    await client.query('SELECT setseed($1)', [((options.seed % 1000) / 1000) * 2 - 1]);
    for (let day = options.days; day >= 1; day--) {
      await client.query(DAY_SQL, [day, options.callsPerDay, today[0]!.day, options.timezone, options.seed, options.customers, agents.map((agent) => agent.id)]);
      options.onDay?.(options.days - day + 1);
    }
  } finally {
    client.release();
  }
  await pool.query('VACUUM ANALYZE interactions');
  return { calls: options.days * options.callsPerDay, agents: agents.length, seconds: (performance.now() - started) / 1000 };
}
