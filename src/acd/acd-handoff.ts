import type { CountryCode } from 'libphonenumber-js/max';
import type { CallSession } from '../calls/call-session.js';
import { normaliseCallerId } from '../customers/phone.js';
import type { Queryable } from '../db/queryable.js';
import { CRM_BUDGET_MS, withinBudget } from '../db/time-budget.js';
import type { InteractionOutcome } from '../interactions/interaction-recorder.js';
import type { QueueHandoff } from '../ivr/context.js';
import type { CallFacts } from '../ivr/facts.js';
import { route } from '../routing/evaluate.js';
import type { RoutingFacts } from '../routing/facts.js';
import type { RulesCatalog } from '../routing/rules-catalog.js';
import type { AcdDispatcher } from './dispatcher.js';

/** What the call history adds to the IVR's facts for routing: open tickets and the caller's last 24 hours. */
async function historyOf(db: Queryable, facts: CallFacts, callId: string, callerE164: string | null): Promise<Pick<RoutingFacts, 'openTickets' | 'callsLast24h' | 'lastCallAbandoned'>> {
  const customerId = facts.customer?.id ?? null;
  // Two index scans (by customer, by number) joined, not one OR over a whole day of interactions.
  const { rows } = await db.query<{ open_tickets: number; calls: number; last_outcome: string | null }>(
    `WITH recent AS (
       SELECT id, outcome, arrived_at FROM interactions
        WHERE customer_id = $1 AND arrived_at > now() - interval '24 hours' AND call_id <> $3
       UNION
       SELECT id, outcome, arrived_at FROM interactions
        WHERE $2::text IS NOT NULL AND caller_e164 = $2 AND arrived_at > now() - interval '24 hours' AND call_id <> $3
     )
     SELECT
       (SELECT count(*)::int FROM tickets WHERE customer_id = $1 AND status IN ('open', 'pending')) AS open_tickets,
       (SELECT count(*)::int FROM recent) AS calls,
       (SELECT outcome FROM recent ORDER BY arrived_at DESC LIMIT 1) AS last_outcome`,
    [customerId, callerE164, callId],
  );
  const row = rows[0];
  return { openTickets: row?.open_tickets ?? 0, callsLast24h: row?.calls ?? 0, lastCallAbandoned: row?.last_outcome === 'abandoned' };
}

/**
 * The IVR's `queue` step hands the call to the ACD: the routing rules decide
 * queue, priority and skills from everything known about the call, then the
 * caller waits on music on hold until an agent is found.
 */
export class AcdHandoff implements QueueHandoff {
  constructor(
    private readonly dispatcher: AcdDispatcher,
    private readonly rules: () => RulesCatalog,
    private readonly db: Queryable,
    private readonly region: CountryCode,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(
    session: CallSession,
    request: Parameters<QueueHandoff['enqueue']>[1],
    settle: (outcome: InteractionOutcome, detail: string) => void,
  ): Promise<void> {
    const callerE164 = normaliseCallerId(session.call.callerNumber, this.region).e164;
    const history = await withinBudget(historyOf(this.db, request.facts, session.channelId, callerE164), CRM_BUDGET_MS, 'the call history').catch(() => ({ openTickets: 0, callsLast24h: 0, lastCallAbandoned: false }));
    const decision = route(this.rules(), { ...request.facts, queue: request.queue, ...history }, this.now());
    // The flow's own priority and skills add to the rule's.
    const skills = { ...decision.skills, ...Object.fromEntries(request.skills.map((skill) => [skill, decision.skills[skill] ?? 1])) };
    const priority = Math.min(3600, decision.priority + request.priority);
    settle('abandoned', `queue:${decision.queue.name}`);
    await session.telephony.startMusicOnHold(session.channelId);
    const position = await this.dispatcher.enqueue(session, { decision, priority, skills, requestedQueue: request.queue }, settle);
    session.log.info({ rule: decision.rule, queue: decision.queue.name, priority, position }, 'waiting in queue');
  }
}
