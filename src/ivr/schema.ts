import { Type, type Static } from 'typebox';

/**
 * The IVR flow file format (ivr-flows/*.yaml). One file, one flow: a graph of
 * named steps starting at `start`. Durations are in seconds, as people write them.
 */

const StepId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'Name of a step in this flow' });
/** `sound:<name>` (Asterisk sounds, language-aware) or `recording:<name>` (stored recordings). */
export const Prompt = Type.String({ pattern: '^(sound|recording):[A-Za-z0-9_/.-]{1,120}$', description: 'sound:<name> or recording:<name>' });
const Prompts = Type.Array(Prompt, { minItems: 1, maxItems: 10 });
const Seconds = Type.Number({ minimum: 0.5, maximum: 120 });
const Retries = Type.Integer({ minimum: 0, maximum: 5 });
const Key = Type.String({ pattern: '^[0-9*#]$' });
const VariableName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });

/** A value a condition reads: call facts and variables the flow has set. */
export const FIELDS = [
  'matched', // boolean: the caller is a known customer (one candidate)
  'match', // none | one | several
  'callerIdKind', // valid | withheld | invalid
  'dialled',
  'language',
  'customer.tier',
  'customer.language',
  'customer.doNotCall',
  'customer.lifetimeValue',
  'customer.segment',
] as const;
const Field = Type.String({ pattern: '^(matched|match|callerIdKind|dialled|language|customer\\.(tier|language|doNotCall|lifetimeValue|segment)|vars\\.[a-z][a-z0-9_]{0,39}|tags)$' });
const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);

export const Comparison = Type.Object(
  {
    field: Field,
    equals: Type.Optional(Scalar),
    notEquals: Type.Optional(Scalar),
    in: Type.Optional(Type.Array(Scalar, { minItems: 1, maxItems: 50 })),
    notIn: Type.Optional(Type.Array(Scalar, { minItems: 1, maxItems: 50 })),
    exists: Type.Optional(Type.Boolean()),
    gt: Type.Optional(Type.Number()),
    gte: Type.Optional(Type.Number()),
    lt: Type.Optional(Type.Number()),
    lte: Type.Optional(Type.Number()),
    matches: Type.Optional(Type.String({ maxLength: 200, description: 'regular expression' })),
    /** For `tags`: the call carries this tag. */
    contains: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type Comparison = Static<typeof Comparison>;

export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export const Condition = Type.Cyclic(
  {
    Condition: Type.Union([
      Comparison,
      Type.Object({ all: Type.Array(Type.Ref('Condition'), { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Type.Ref('Condition'), { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ not: Type.Ref('Condition') }, { additionalProperties: false }),
    ]),
  },
  'Condition',
);

const base = { description: Type.Optional(Type.String({ maxLength: 500 })) };

export const PlayStep = Type.Object({ ...base, type: Type.Literal('play'), prompts: Prompts, next: StepId }, { additionalProperties: false });

export const MenuStep = Type.Object(
  {
    ...base,
    type: Type.Literal('menu'),
    prompts: Prompts,
    /** key → step. additionalProperties: false, or a key outside 0-9 * # would pass unchecked (a Record's key pattern is only a patternProperties). */
    options: Type.Record(Key, StepId, { minProperties: 1, additionalProperties: false }),
    timeout: Type.Optional(Seconds),
    retries: Type.Optional(Retries),
    noInputPrompts: Type.Optional(Prompts),
    invalidPrompts: Type.Optional(Prompts),
    /** Where the caller goes after the last retry. */
    fallback: StepId,
  },
  { additionalProperties: false },
);

export const CollectStep = Type.Object(
  {
    ...base,
    type: Type.Literal('collect'),
    prompts: Prompts,
    variable: VariableName,
    minDigits: Type.Integer({ minimum: 1, maximum: 32 }),
    maxDigits: Type.Integer({ minimum: 1, maximum: 32 }),
    terminator: Type.Optional(Type.Union([Type.Literal('#'), Type.Literal('*')])),
    firstDigitTimeout: Type.Optional(Seconds),
    interDigitTimeout: Type.Optional(Seconds),
    pattern: Type.Optional(Type.String({ maxLength: 200, description: 'regular expression the digits must match' })),
    retries: Type.Optional(Retries),
    noInputPrompts: Type.Optional(Prompts),
    invalidPrompts: Type.Optional(Prompts),
    next: StepId,
    fallback: StepId,
  },
  { additionalProperties: false },
);

export const LookupStep = Type.Object(
  {
    ...base,
    type: Type.Literal('lookup'),
    /** What the collected value is. */
    by: Type.Union([Type.Literal('externalId'), Type.Literal('phone')]),
    variable: VariableName,
    found: StepId,
    notFound: StepId,
  },
  { additionalProperties: false },
);

export const BranchStep = Type.Object(
  {
    ...base,
    type: Type.Literal('branch'),
    conditions: Type.Array(Type.Object({ when: Condition, next: StepId }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
    otherwise: StepId,
  },
  { additionalProperties: false },
);

/** Time of day, 24 h (shared with routing rules' calendars). */
export const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
// Spelt out: a literal mapped from string[] has the static type never, which rejected every typed `days` list.
export const Day = Type.Union([
  Type.Literal('mon'),
  Type.Literal('tue'),
  Type.Literal('wed'),
  Type.Literal('thu'),
  Type.Literal('fri'),
  Type.Literal('sat'),
  Type.Literal('sun'),
]);

export const HoursStep = Type.Object(
  {
    ...base,
    type: Type.Literal('hours'),
    /** IANA time zone, e.g. Asia/Shanghai */
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    open: Type.Array(Type.Object({ days: Type.Array(Day, { minItems: 1 }), from: Time, to: Time }, { additionalProperties: false }), { minItems: 1 }),
    /** Dates (YYYY-MM-DD, in the time zone) the line is closed all day. */
    holidays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }))),
    whenOpen: StepId,
    whenClosed: StepId,
    whenHoliday: Type.Optional(StepId),
  },
  { additionalProperties: false },
);

export const SetStep = Type.Object(
  {
    ...base,
    type: Type.Literal('set'),
    variables: Type.Optional(Type.Record(VariableName, Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]))),
    tags: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9_:-]{1,64}$' }), { maxItems: 20 })),
    /** Changes the language prompts are played in from here on (e.g. zh, en). */
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
    next: StepId,
  },
  { additionalProperties: false },
);

export const QueueStep = Type.Object(
  {
    ...base,
    type: Type.Literal('queue'),
    queue: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    skills: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9_:-]{1,64}$' }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const VoicemailStep = Type.Object(
  {
    ...base,
    type: Type.Literal('voicemail'),
    prompts: Type.Optional(Prompts),
    maxSeconds: Type.Integer({ minimum: 5, maximum: 600 }),
    next: StepId,
  },
  { additionalProperties: false },
);

export const TransferStep = Type.Object(
  {
    ...base,
    type: Type.Literal('transfer'),
    /** Another flow's name, or an external number dialled through Asterisk. */
    flow: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,64}$' })),
    number: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{2,20}$' })),
    prompts: Type.Optional(Prompts),
  },
  { additionalProperties: false },
);

export const HangupStep = Type.Object({ ...base, type: Type.Literal('hangup'), prompts: Type.Optional(Prompts) }, { additionalProperties: false });

export const STEP_KINDS = ['play', 'menu', 'collect', 'lookup', 'branch', 'hours', 'set', 'queue', 'voicemail', 'transfer', 'hangup'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const Step = Type.Union([PlayStep, MenuStep, CollectStep, LookupStep, BranchStep, HoursStep, SetStep, QueueStep, VoicemailStep, TransferStep, HangupStep]);
export type Step = Static<typeof Step>;
export type StepOf<K extends StepKind> = Extract<Step, { type: K }>;

export const Flow = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    /** Dialled numbers (DNIS) that select this flow. */
    numbers: Type.Optional(Type.Array(Type.String({ pattern: '^\\+?[0-9]{1,20}$' }), { maxItems: 100 })),
    /** The flow for calls to numbers no flow names; exactly one flow is the default. */
    default: Type.Optional(Type.Boolean()),
    /** Language prompts are played in until a `set` step changes it. */
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
    start: StepId,
    /** additionalProperties: false, or a step named outside the StepId pattern would pass unchecked. */
    steps: Type.Record(StepId, Step, { minProperties: 1, additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type Flow = Static<typeof Flow>;
