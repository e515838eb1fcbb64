import type { CountryCode } from 'libphonenumber-js/max';
import { lookupCaller, lookupCustomerPop } from '../customers/lookup.js';
import { normaliseCallerId } from '../customers/phone.js';
import type { Queryable } from '../db/queryable.js';
import { CRM_BUDGET_MS, withinBudget } from '../db/time-budget.js';
import type { RepeatCaller, ScreenPop } from './pop-message.js';

/** What the node ringing the agent knows about the offer. */
export interface OfferContext {
  callId: string;
  offerId: number;
  agentIds: string[];
  offeredAt: number;
  queue: string;
  priority: number;
  enqueuedAt: number;
  caller: { number: string; name: string; dialledNumber: string };
}

export interface PopBuilderOptions {
  db: Queryable;
  region: CountryCode;
  timezone: string;
  /** The CRM gets this long; after it the pop goes out without customer data (the call must not wait on the CRM). */
  crmBudgetMs?: number;
  /** Resolves once this node's writes of the call's record have landed, so the pop reads the call's own IVR path. */
  recorded?: (callId: string) => Promise<void>;
}

interface CallRow {
  interaction_id: number | null;
  customer_id: number | null;
  flow: string | null;
  ivr_path: ScreenPop['ivr']['path'] | null;
  attributes: Record<string, unknown> | null;
  calls_today: number;
  calls_24h: number;
  last_call: { arrived_at: string; outcome: string | null } | null;
  transfer_from_name: string | null;
}

/**
 * The call's own interaction (IVR path and attributes, the customer the IVR
 * identified) and the caller's earlier calls, by customer or by number: two
 * index scans, as the routing history does.
 */
const CALL_SQL = `
WITH me AS (SELECT id, customer_id, flow, ivr_path, attributes FROM interactions WHERE call_id = $1),
recent AS (
  SELECT x.id, x.arrived_at, x.outcome FROM interactions x JOIN me ON x.customer_id = me.customer_id
   WHERE x.arrived_at > now() - interval '24 hours' AND x.call_id <> $1
  UNION
  SELECT x.id, x.arrived_at, x.outcome FROM interactions x
   WHERE $2::text IS NOT NULL AND x.caller_e164 = $2 AND x.arrived_at > now() - interval '24 hours' AND x.call_id <> $1
)
SELECT me.id AS interaction_id, me.customer_id, me.flow, me.ivr_path, me.attributes,
  (SELECT count(*)::int FROM recent WHERE arrived_at >= date_trunc('day', now() AT TIME ZONE $3) AT TIME ZONE $3) AS calls_today,
  (SELECT count(*)::int FROM recent) AS calls_24h,
  (SELECT row_to_json(r) FROM (SELECT arrived_at, outcome FROM recent ORDER BY arrived_at DESC LIMIT 1) r) AS last_call,
  (SELECT u.display_name FROM users u WHERE u.id::text = me.attributes->'transfer'->>'fromAgent') AS transfer_from_name
FROM (SELECT 1) AS one LEFT JOIN me ON true`;

const TRANSFER_KINDS: ReadonlyArray<NonNullable<ScreenPop['transfer']>['kind']> = ['blind', 'consult', 'attended'];

const transferOf = (attributes: Record<string, unknown>, fromAgentName: string | null): ScreenPop['transfer'] => {
  const transfer = attributes.transfer;
  if (typeof transfer !== 'object' || transfer === null) return null;
  const { fromAgent, note, kind } = transfer as Record<string, unknown>;
  if (typeof fromAgent !== 'string') return null;
  return {
    fromAgent,
    fromAgentName: fromAgentName ?? fromAgent,
    kind: TRANSFER_KINDS.find((known) => known === kind) ?? 'blind',
    note: typeof note === 'string' ? note : '',
  };
};

/**
 * Attributes Ringside keeps for itself or shows elsewhere on the pop (the transfer note, the match, the
 * number's kind): the agent sees the IVR's and their colleagues' attributes, not the bookkeeping.
 */
const BOOKKEEPING_ATTRIBUTES = new Set(['transfer', 'handledBy', 'pickedBy', 'customerId', 'callerIdKind']);
const shownAttributes = (attributes: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(attributes).filter(([key]) => !BOOKKEEPING_ATTRIBUTES.has(key)));

/** Assembles the screen-pop of one offer for one agent. Never throws for the CRM: a pop without it beats no pop. */
export class PopBuilder {
  constructor(private readonly options: PopBuilderOptions) {}

  async build(offer: OfferContext): Promise<Omit<ScreenPop, 'agentId' | 'popId'>> {
    const normalised = normaliseCallerId(offer.caller.number, this.options.region);
    const base = {
      callId: offer.callId,
      offerId: offer.offerId,
      offeredAt: offer.offeredAt,
      caller: { number: offer.caller.number, e164: normalised.e164, kind: normalised.kind, name: offer.caller.name },
      dialledNumber: offer.caller.dialledNumber,
      queue: offer.queue,
      priority: offer.priority,
      waitedMs: Math.max(0, Math.round(offer.offeredAt - offer.enqueuedAt)),
    };
    try {
      const crm = await withinBudget(this.crm(offer, normalised.e164), this.options.crmBudgetMs ?? CRM_BUDGET_MS, 'the CRM');
      return { ...base, ...crm, crm: 'ok' };
    } catch {
      const noRepeat: RepeatCaller = { callsToday: 0, callsLast24h: 0, lastCallAt: null, lastCallOutcome: null, lastCallAbandoned: false };
      return { ...base, ivr: { flow: null, path: [], attributes: {} }, repeat: noRepeat, match: 'none', matchedBy: 'none', candidates: [], transfer: null, crm: 'unavailable' };
    }
  }

  private async crm(offer: OfferContext, e164: string | null): Promise<Pick<ScreenPop, 'ivr' | 'repeat' | 'match' | 'matchedBy' | 'candidates' | 'transfer'>> {
    const { db, region, timezone } = this.options;
    await this.options.recorded?.(offer.callId);
    // Side by side: neither needs the other, and one after the other the pop paid two round trips (and, under
    // load, two waits for a pool connection behind the call recording's writes). bench/README.md, pop.
    const [{ rows }, byNumber] = await Promise.all([db.query<CallRow>(CALL_SQL, [offer.callId, e164, timezone]), lookupCaller(db, offer.caller.number, region)]);
    const row = rows[0];
    const attributes = row?.attributes ?? {};
    const lastCall = row?.last_call ?? null;
    const repeat: RepeatCaller = {
      callsToday: row?.calls_today ?? 0,
      callsLast24h: row?.calls_24h ?? 0,
      lastCallAt: lastCall ? new Date(lastCall.arrived_at).toISOString() : null,
      lastCallOutcome: lastCall?.outcome ?? null,
      lastCallAbandoned: lastCall?.outcome === 'abandoned',
    };
    // The IVR may have identified the caller by something else than the number (an account number typed).
    let candidates = byNumber.candidates;
    let matchedBy: ScreenPop['matchedBy'] = candidates.length > 0 ? 'caller-id' : 'none';
    const identifiedId = row?.customer_id ?? null;
    if (identifiedId !== null && !(candidates.length === 1 && candidates[0]!.customer.id === identifiedId)) {
      const identified = await lookupCustomerPop(db, identifiedId);
      if (identified) {
        candidates = [identified];
        matchedBy = 'identified';
      }
    }
    // The current call is already on the customer's record; its history is the calls before it.
    const interactionId = row?.interaction_id;
    for (const candidate of candidates) candidate.recentInteractions = candidate.recentInteractions.filter((entry) => entry.id !== interactionId);
    return {
      ivr: { flow: row?.flow ?? null, path: row?.ivr_path ?? [], attributes: shownAttributes(attributes) },
      repeat,
      match: candidates.length === 0 ? 'none' : candidates.length === 1 ? 'one' : 'several',
      matchedBy,
      candidates,
      transfer: transferOf(attributes, row?.transfer_from_name ?? null),
    };
  }
}
