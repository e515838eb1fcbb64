import type { Queryable } from '../db/queryable.js';
import { withinBudget } from '../db/time-budget.js';
import { RingsideError } from '../errors.js';
import type { AcdStore } from './acd-store.js';
import type { CallToQueue } from './types.js';
import type { Waiter } from './waiting-room.js';

/** How a call stood in the ACD when its interaction was last written: what a restart with an empty Redis can use. */
export interface RoutingRecord {
  rule: string;
  priority: number;
  skills: Record<string, number>;
  /** Epoch ms: with `priority`, the call's virtual arrival, so it gets its place back. */
  enqueuedAt: number;
}

export type Standing = { kind: 'waiting'; queue: string; routing: RoutingRecord } | { kind: 'talking'; agentId: string } | null;

/** A recovery that waits longer than this on PostgreSQL sends the call to the fallback instead. */
const STANDING_BUDGET_MS = 1000;

/**
 * Where PostgreSQL says a call stands: waiting in a queue (with the routing recorded when it joined), or talking
 * to an agent (`bridged`: the PBX has the caller in a bridge with someone). Null when it says nothing usable.
 */
export async function interactionStanding(db: Queryable, callId: string, bridged: boolean): Promise<Standing> {
  const { rows } = await withinBudget(
    db.query<{ queue: string | null; queued_at: Date | null; answered_at: Date | null; ended_at: Date | null; agent_id: string | null; routing: Partial<RoutingRecord> | null }>(
      `SELECT queue, queued_at, answered_at, ended_at, agent_id::text, attributes->'routing' AS routing FROM interactions WHERE call_id = $1`,
      [callId],
    ),
    STANDING_BUDGET_MS,
    'the interaction of a recovered call',
  );
  const row = rows[0];
  if (!row || row.ended_at) return null;
  if (bridged) return row.answered_at && row.agent_id ? { kind: 'talking', agentId: row.agent_id } : null;
  if (!row.queue || !row.queued_at) return null;
  const routing = row.routing ?? {};
  return {
    kind: 'waiting',
    queue: row.queue,
    routing: {
      rule: typeof routing.rule === 'string' ? routing.rule : '',
      priority: typeof routing.priority === 'number' ? routing.priority : 0,
      skills: routing.skills && typeof routing.skills === 'object' ? routing.skills : {},
      enqueuedAt: typeof routing.enqueuedAt === 'number' ? routing.enqueuedAt : row.queued_at.getTime(),
    },
  };
}

/** A waiting caller back in the ACD exactly as this node holds them; false if the ACD already has them. */
export async function requeueHeld(store: AcdStore, callId: string, waiter: Waiter): Promise<boolean> {
  const { plan } = waiter;
  const call: CallToQueue = { callId, queue: plan.queue.name, skills: plan.skills, priority: plan.priority, enqueuedAt: waiter.enqueuedAt };
  if (plan.decision) call.rule = plan.decision.rule;
  const entered = await store.enqueueCall(call).then(
    () => true,
    (error: unknown) => {
      if (error instanceof RingsideError && error.code === 'conflict') return false;
      throw error;
    },
  );
  if (entered && plan.queues.length > 1) await store.updateCall(callId, { queues: plan.queues });
  return entered;
}
