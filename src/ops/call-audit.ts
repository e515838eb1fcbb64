import type { Queryable } from '../db/queryable.js';

/** The one final outcome every call ends with (interaction_final_outcome() in migrations/012). */
export const FINAL_OUTCOMES = [
  'answered',
  'completed_in_ivr',
  'abandoned_in_ivr',
  'abandoned_in_queue',
  'abandoned_while_offered',
  'voicemail',
  'callback',
  'transferred_out',
  'failed',
] as const;
export type FinalOutcome = (typeof FINAL_OUTCOMES)[number];

export type CallStage = 'in IVR' | 'waiting in queue' | 'ringing an agent' | 'talking';

export interface UnaccountedCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  arrivedAt: string;
  /** How far the record got: where the call was when its trail ends. */
  lastStage: CallStage;
}

export interface CallAnomaly {
  callId: string;
  problem: string;
}

export interface DirectionTally {
  arrived: number;
  accounted: number;
  outcomes: Record<FinalOutcome, number>;
  /** No outcome yet, and the call is still up in Asterisk. */
  inProgress: number;
}

export interface CallAudit {
  since: string;
  until: string;
  inbound: DirectionTally;
  outbound: DirectionTally;
  /** No outcome and no live call: calls the records lost track of (or, unchecked, ones that may still be up). */
  unaccountedCount: number;
  /** The first of them, oldest first. */
  unaccounted: UnaccountedCall[];
  anomalies: CallAnomaly[];
  /** Whether open records were checked against the calls up in Asterisk. */
  liveChecked: boolean;
  /** Interaction writes still waiting in the outbox for PostgreSQL: the figures are final only at 0. */
  outboxPending: number | null;
  /** Refused outbox writes kept aside for a person. */
  outboxRefused: number | null;
  /** Every call has exactly one final outcome or is still up; nothing waits in the outbox; no anomaly. */
  holds: boolean;
}

export interface CallAuditOptions {
  since: Date;
  until: Date;
  /** The call ids up in Asterisk now; null when not checked. */
  liveCallIds: ReadonlySet<string> | null;
  outbox: { pending: number; refused: number } | null;
}

/** Rows listed in detail are capped; the counts always cover every call. */
const MAX_LISTED = 1000;

const emptyTally = (): DirectionTally => ({
  arrived: 0,
  accounted: 0,
  outcomes: Object.fromEntries(FINAL_OUTCOMES.map((outcome) => [outcome, 0])) as Record<FinalOutcome, number>,
  inProgress: 0,
});

interface OpenOrOddRow {
  call_id: string;
  direction: 'inbound' | 'outbound';
  arrived_at: Date;
  final: string | null;
  ended: boolean;
  answered: boolean;
  offered: boolean;
  queued: boolean;
  problem: string | null;
}

const stageOf = (row: OpenOrOddRow): CallStage => (row.answered ? 'talking' : row.offered ? 'ringing an agent' : row.queued ? 'waiting in queue' : 'in IVR');

/**
 * The accounting identity over the calls that arrived in [since, until):
 * arrived = accounted (one final outcome each) + in progress (still up in
 * Asterisk). Anything else is a lost call or a record that contradicts itself.
 */
export async function auditCalls(db: Queryable, options: CallAuditOptions): Promise<CallAudit> {
  const range = [options.since, options.until];
  const inbound = emptyTally();
  const outbound = emptyTally();
  const { rows: counts } = await db.query<{ direction: 'inbound' | 'outbound'; final: string | null; calls: number }>(
    `SELECT direction, interaction_final_outcome(outcome, outcome_detail) AS final, count(*)::int AS calls
       FROM interactions WHERE arrived_at >= $1 AND arrived_at < $2 AND ended_at IS NOT NULL
      GROUP BY 1, 2`,
    range,
  );
  for (const row of counts) {
    const tally = row.direction === 'outbound' ? outbound : inbound;
    tally.arrived += row.calls;
    if (row.final !== null && (FINAL_OUTCOMES as readonly string[]).includes(row.final)) {
      tally.outcomes[row.final as FinalOutcome] += row.calls;
      tally.accounted += row.calls;
    }
  }
  // Open records (as many as calls are up) and closed ones that contradict themselves (none, in a sound system).
  const { rows: odd } = await db.query<OpenOrOddRow>(
    `SELECT call_id, direction, arrived_at, interaction_final_outcome(outcome, outcome_detail) AS final,
            ended_at IS NOT NULL AS ended, answered_at IS NOT NULL AS answered, offered_at IS NOT NULL AS offered, queued_at IS NOT NULL AS queued,
            CASE
              WHEN ended_at IS NOT NULL AND outcome IS NULL THEN 'ended without an outcome'
              WHEN ended_at IS NULL AND outcome IS NOT NULL THEN 'an outcome but no end time'
              WHEN interaction_final_outcome(outcome, outcome_detail) = 'unclassified' THEN 'outcome ' || outcome || ' without a recognised detail (' || coalesce(outcome_detail, 'none') || ')'
              WHEN outcome = 'answered' AND answered_at IS NULL THEN 'answered without an answer time'
              WHEN ended_at < arrived_at THEN 'ended before it arrived'
            END AS problem
       FROM interactions
      WHERE arrived_at >= $1 AND arrived_at < $2
        AND (ended_at IS NULL OR outcome IS NULL OR interaction_final_outcome(outcome, outcome_detail) = 'unclassified'
             OR (outcome = 'answered' AND answered_at IS NULL) OR ended_at < arrived_at)
      ORDER BY arrived_at`,
    range,
  );
  const unaccounted: UnaccountedCall[] = [];
  let unaccountedCount = 0;
  const anomalies: CallAnomaly[] = [];
  for (const row of odd) {
    const tally = row.direction === 'outbound' ? outbound : inbound;
    if (row.problem !== null) {
      if (anomalies.length < MAX_LISTED) anomalies.push({ callId: row.call_id, problem: row.problem });
      // A closed row with a problem was counted above; an open one is counted here.
      if (row.ended) continue;
    }
    if (row.ended) continue;
    tally.arrived += 1;
    if (options.liveCallIds?.has(row.call_id)) tally.inProgress += 1;
    else {
      unaccountedCount += 1;
      if (unaccounted.length < MAX_LISTED) unaccounted.push({ callId: row.call_id, direction: row.direction, arrivedAt: row.arrived_at.toISOString(), lastStage: stageOf(row) });
    }
  }
  const outboxPending = options.outbox?.pending ?? null;
  return {
    since: options.since.toISOString(),
    until: options.until.toISOString(),
    inbound,
    outbound,
    unaccountedCount,
    unaccounted,
    anomalies,
    liveChecked: options.liveCallIds !== null,
    outboxPending,
    outboxRefused: options.outbox?.refused ?? null,
    holds: unaccountedCount === 0 && anomalies.length === 0 && outboxPending === 0 && (options.outbox?.refused ?? 0) === 0,
  };
}
