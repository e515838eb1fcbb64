import { Type, type Static } from 'typebox';
import { PopCandidate } from '../customers/schemas.js';

export const IvrStep = Type.Object({
  step: Type.String(),
  type: Type.String(),
  at: Type.String(),
  ms: Type.Optional(Type.Number()),
  input: Type.Optional(Type.String()),
  result: Type.Optional(Type.String()),
});

/** How often this caller called before: the agent sees "third call today, the last one abandoned". */
export const RepeatCaller = Type.Object({
  callsToday: Type.Integer({ minimum: 0, description: 'Earlier calls since midnight in the center\'s time zone.' }),
  callsLast24h: Type.Integer({ minimum: 0 }),
  lastCallAt: Type.Union([Type.String(), Type.Null()]),
  lastCallOutcome: Type.Union([Type.String(), Type.Null()]),
  lastCallAbandoned: Type.Boolean(),
});
export type RepeatCaller = Static<typeof RepeatCaller>;

/**
 * Everything the agent sees while their phone rings. Built on the node that
 * rings the agent, the moment it rings; `crm: 'unavailable'` when the CRM
 * could not answer in time (the call goes on, the card says so).
 */
export const ScreenPop = Type.Object({
  popId: Type.String({ description: 'callId:offerId; one per ringing of one agent for one call.' }),
  callId: Type.String(),
  offerId: Type.Integer(),
  agentId: Type.String(),
  offeredAt: Type.Number({ description: 'Epoch ms of the offer decision.' }),
  caller: Type.Object({
    number: Type.String({ description: 'As the trunk sent it.' }),
    e164: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('withheld')]),
    name: Type.String(),
  }),
  dialledNumber: Type.String(),
  queue: Type.String(),
  priority: Type.Number(),
  waitedMs: Type.Integer({ minimum: 0, description: 'From joining the queue to the offer.' }),
  ivr: Type.Object({
    flow: Type.Union([Type.String(), Type.Null()]),
    path: Type.Array(IvrStep),
    /** The call attributes the IVR set (e.g. the account number typed, the intent). */
    attributes: Type.Record(Type.String(), Type.Unknown()),
  }),
  repeat: RepeatCaller,
  match: Type.Union([Type.Literal('none'), Type.Literal('one'), Type.Literal('several')]),
  /** `identified`: the IVR recognised the customer (e.g. by account number); otherwise matched by caller ID. */
  matchedBy: Type.Union([Type.Literal('identified'), Type.Literal('caller-id'), Type.Literal('none')]),
  candidates: Type.Array(PopCandidate),
  transfer: Type.Union([
    Type.Object({
      fromAgent: Type.String(),
      fromAgentName: Type.String(),
      /** blind: sent to a queue or agent; consult: a colleague asks before handing over; attended: handed over after a consult. */
      kind: Type.Union([Type.Literal('blind'), Type.Literal('consult'), Type.Literal('attended')]),
      note: Type.String(),
    }),
    Type.Null(),
  ]),
  crm: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
});
export type ScreenPop = Static<typeof ScreenPop>;
