import { Type, type Static } from 'typebox';

export const TIERS = ['platinum', 'gold', 'silver', 'bronze', 'standard'] as const;
export const Tier = Type.Enum(TIERS);

/** BCP 47 language tags as agents' skills and IVR flows use them: en, zh, zh-CN, pt-BR. */
export const LanguageTag = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 });

export const PhoneInput = Type.Object(
  {
    number: Type.String({ minLength: 3, maxLength: 40, description: 'Any common format; stored as E.164.' }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    primary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const customerFields = {
  externalId: Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$' }), Type.Null()]),
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  company: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  tier: Tier,
  segment: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  lifetimeValue: Type.Number({ minimum: 0, maximum: 999_999_999_999 }),
  preferredLanguage: LanguageTag,
  doNotCall: Type.Boolean(),
  birthday: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  notes: Type.String({ maxLength: 10_000 }),
};

export const CustomerCreate = Type.Object(
  {
    ...Type.Partial(Type.Object(customerFields)).properties,
    name: customerFields.name,
    phones: Type.Optional(Type.Array(PhoneInput, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type CustomerCreate = Static<typeof CustomerCreate>;

export const CustomerUpdate = Type.Object(
  {
    ...Type.Partial(Type.Object(customerFields)).properties,
    phones: Type.Optional(Type.Array(PhoneInput, { maxItems: 20, description: 'Replaces all numbers when given.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CustomerUpdate = Static<typeof CustomerUpdate>;

export const Phone = Type.Object({ e164: Type.String(), label: Type.String(), primary: Type.Boolean() });

export const Customer = Type.Object({
  id: Type.Integer(),
  ...customerFields,
  phones: Type.Array(Phone),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Customer = Static<typeof Customer>;

export const Ticket = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  status: Type.String(),
  priority: Type.String(),
  openedAt: Type.String({ format: 'date-time' }),
});

export const InteractionSummary = Type.Object({
  id: Type.Integer(),
  direction: Type.String(),
  arrivedAt: Type.String({ format: 'date-time' }),
  queue: Type.Union([Type.String(), Type.Null()]),
  agent: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.String(), Type.Null()]),
  disposition: Type.Union([Type.String(), Type.Null()]),
  notes: Type.String(),
});

export const OrderSummary = Type.Object({
  id: Type.Integer(),
  orderNumber: Type.String(),
  amount: Type.String({ description: 'Decimal amount, exact.' }),
  currency: Type.String(),
  status: Type.String(),
  orderedAt: Type.String({ format: 'date-time' }),
});

export const CallbackSummary = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  source: Type.String(),
  queue: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
  notes: Type.String(),
});

export const PopCandidate = Type.Object({
  customer: Customer,
  matchedLabel: Type.String(),
  openTickets: Type.Array(Ticket),
  recentInteractions: Type.Array(InteractionSummary),
  recentOrders: Type.Array(OrderSummary),
  /** Open callbacks first (scheduled follow-ups, requests), then the latest ended ones. */
  callbacks: Type.Array(CallbackSummary),
});
export type PopCandidate = Static<typeof PopCandidate>;

export const CallerLookup = Type.Object({
  callerId: Type.String({ description: 'As received.' }),
  e164: Type.Union([Type.String(), Type.Null()]),
  callerIdKind: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('withheld')]),
  match: Type.Union([Type.Literal('none'), Type.Literal('one'), Type.Literal('several')]),
  candidates: Type.Array(PopCandidate),
});
export type CallerLookup = Static<typeof CallerLookup>;
