import { Type, type Static } from 'typebox';

/**
 * The agent console's REST contract (routes under /api/console, role agent,
 * always about the calling agent's own call). The browser code imports these
 * types; the server validates with the same schemas.
 */

export const ConsoleConfig = Type.Object({
  agentId: Type.String(),
  displayName: Type.String(),
  /** Dispositions offered at wrap-up (DISPOSITIONS). */
  dispositions: Type.Array(Type.String()),
  /** Pause reasons offered (PAUSE_REASONS). */
  pauseReasons: Type.Array(Type.String()),
  /** Transfer targets. */
  queues: Type.Array(Type.String()),
  agents: Type.Array(Type.Object({ agentId: Type.String(), displayName: Type.String(), status: Type.String() })),
});
export type ConsoleConfig = Static<typeof ConsoleConfig>;

/** A transfer or consult target: a queue, or one agent. */
export const TransferTarget = Type.Union([
  Type.Object({ queue: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ agentId: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false }),
]);
export type TransferTarget = Static<typeof TransferTarget>;

export const TransferRequest = Type.Object(
  {
    to: TransferTarget,
    /** Shown to the next agent on their pop. */
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type TransferRequest = Static<typeof TransferRequest>;

export const ConsultRequest = Type.Object({ to: Type.Object({ agentId: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export type ConsultRequest = Static<typeof ConsultRequest>;

export const PickRequest = Type.Object({ customerId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

// One multi-type schema, not a union: with the body coerced, ajv would turn true into "true" (or 1 into true)
// in whichever union branch comes first, while a value already of a listed type is left as it is.
const AttributeValue = Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'], maxLength: 500 });
export const AttributesRequest = Type.Object(
  { attributes: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }), AttributeValue, { maxProperties: 50 }) },
  { additionalProperties: false },
);

export const NoteRequest = Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }) }, { additionalProperties: false });

export const WrapUpRequest = Type.Object(
  {
    callId: Type.String({ minLength: 1, maxLength: 200 }),
    disposition: Type.String({ minLength: 1, maxLength: 64 }),
    notes: Type.String({ maxLength: 10_000 }),
    /** Stay in wrap-up after saving (the agent ends it later); by default saving ends it. */
    stayInWrapUp: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WrapUpRequest = Static<typeof WrapUpRequest>;

export const RecentCall = Type.Object({
  callId: Type.String(),
  arrivedAt: Type.String(),
  callerNumber: Type.Union([Type.String(), Type.Null()]),
  customerId: Type.Union([Type.Integer(), Type.Null()]),
  customerName: Type.Union([Type.String(), Type.Null()]),
  queue: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.String(), Type.Null()]),
  disposition: Type.Union([Type.String(), Type.Null()]),
  notes: Type.String(),
  talkSeconds: Type.Union([Type.Integer(), Type.Null()]),
});
export type RecentCall = Static<typeof RecentCall>;

/** What the agent's current call is doing (also pushed over the WebSocket as `call.update`). */
export const CallView = Type.Object({
  callId: Type.String(),
  /** ringing: the agent's phone rings; talking; held: the caller hears music; consulting: the caller is held while the agent talks to a colleague. */
  state: Type.Union([Type.Literal('ringing'), Type.Literal('talking'), Type.Literal('held'), Type.Literal('consulting'), Type.Literal('ended')]),
  since: Type.Number(),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
  consult: Type.Union([Type.Object({ agentId: Type.String(), displayName: Type.String(), state: Type.Union([Type.Literal('ringing'), Type.Literal('talking')]) }), Type.Null()]),
});
export type CallView = Static<typeof CallView>;
