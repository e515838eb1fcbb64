/**
 * Every write of a call's interaction, as data: an operation and its
 * parameters, so that a write PostgreSQL could not take can wait in the
 * outbox (Redis) and be applied later exactly as it would have been. Times are
 * parameters, never now(): a write applied an hour late still says when
 * things happened. Each statement is idempotent, so a write that may have
 * landed before its connection broke does no harm when it lands again.
 */
export const WRITE_SQL = {
  open: `INSERT INTO interactions (call_id, customer_id, direction, caller_number, caller_e164, dialled_number, arrived_at, flow)
         VALUES ($1, $2, 'inbound', $3, $4, $5, $6, $7) ON CONFLICT (call_id) DO NOTHING`,
  openOutbound: `INSERT INTO interactions (call_id, customer_id, direction, caller_number, caller_e164, dialled_number, queue, callback_id, flow, arrived_at)
                 VALUES ($1, $2, 'outbound', $3, $3, $3, $4, $5, 'callback', $6) ON CONFLICT (call_id) DO NOTHING`,
  // An entry carries its own time, so the same entry twice is a replay, not a second step.
  step: `UPDATE interactions SET ivr_path = ivr_path || $2::jsonb, updated_at = now() WHERE call_id = $1 AND NOT ivr_path @> $2::jsonb`,
  identify: 'UPDATE interactions SET customer_id = $2, updated_at = now() WHERE call_id = $1',
  queued: 'UPDATE interactions SET queue = $2, attributes = $3::jsonb, queued_at = COALESCE(queued_at, $4), updated_at = now() WHERE call_id = $1',
  waitEstimate: `INSERT INTO wait_estimates (call_id, queue, position, estimate_seconds, announced_at)
                 SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM wait_estimates WHERE call_id = $1 AND announced_at = $5)`,
  requeued: 'UPDATE interactions SET queue = $2, updated_at = now() WHERE call_id = $1',
  // The queue the routing rules chose and the call's place in it (virtual arrival = enqueuedAt − priority s).
  routed: `UPDATE interactions SET queue = $2, attributes = attributes || jsonb_build_object('routing', $3::jsonb),
                                    queued_at = COALESCE(queued_at, $4), updated_at = now()
            WHERE call_id = $1`,
  offered: 'UPDATE interactions SET offered_at = coalesce(offered_at, $3), agent_id = $2, updated_at = now() WHERE call_id = $1',
  // handledBy: every agent who had the call, so each can still write their wrap-up on it.
  transferred: `UPDATE interactions
                   SET attributes = attributes || jsonb_build_object('transfer', $2::jsonb,
                         'handledBy', CASE WHEN coalesce(attributes->'handledBy', '[]') ? $3 THEN attributes->'handledBy'
                                           ELSE coalesce(attributes->'handledBy', '[]') || to_jsonb($3::text) END),
                       updated_at = now()
                 WHERE call_id = $1`,
  answered: 'UPDATE interactions SET answered_at = $3, agent_id = $2, updated_at = now() WHERE call_id = $1',
  recording: 'UPDATE interactions SET recording = $2, updated_at = now() WHERE call_id = $1',
  // A call that ended while no Ringside watched: answered if an agent had it, otherwise failed with that cause.
  closeLost: `UPDATE interactions
                 SET ended_at = $2,
                     outcome = CASE WHEN answered_at IS NOT NULL THEN 'answered' ELSE 'failed' END,
                     outcome_detail = CASE WHEN answered_at IS NOT NULL THEN 'agent:' || agent_id ELSE 'ended while Ringside was down' END,
                     updated_at = now()
               WHERE call_id = $1 AND ended_at IS NULL`,
  // Closes once; a later close (a second event for the same end) changes nothing.
  close: `UPDATE interactions SET ended_at = $4, outcome = $2, outcome_detail = $3, updated_at = now()
          WHERE call_id = $1 AND ended_at IS NULL`,
} as const;

export type WriteOp = keyof typeof WRITE_SQL;

export type WriteParam = string | number | boolean | null;

export interface InteractionWrite {
  /** Unique per write: the outbox applies each one once. */
  id: string;
  op: WriteOp;
  callId: string;
  params: WriteParam[];
}

const OPS = new Set(Object.keys(WRITE_SQL));

/** An outbox entry read back from Redis, or null when it is not one (never applied blindly). */
export function parseWrite(text: string): InteractionWrite | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, op, callId, params } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof op !== 'string' || !OPS.has(op) || typeof callId !== 'string' || !Array.isArray(params)) return null;
  if (!params.every((param) => param === null || ['string', 'number', 'boolean'].includes(typeof param))) return null;
  return { id, op: op as WriteOp, callId, params: params as WriteParam[] };
}
