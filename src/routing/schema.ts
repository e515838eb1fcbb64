import { Type, type Static } from 'typebox';
import { Day, Comparison as IvrComparison, Time } from '../ivr/schema.js';

/**
 * The routing-rules file format (routing-rules/*.yaml). A file holds queue
 * definitions, rules, or both; files are read in name order and their rules
 * form one ordered list. Durations are in seconds. routing-rules/README.md
 * describes every field and its default.
 */

export const QueueName = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });
/** Same form as the IVR's skills and the agents' skills (`support`, `lang:zh`). */
export const SkillName = Type.String({ pattern: '^[a-z0-9_:-]{1,64}$' });
/** Agents' skill levels are 1–10 (src/seed/demo-users.ts); a rule asks for a minimum. */
export const MAX_SKILL_LEVEL = 10;
const SkillLevel = Type.Integer({ minimum: 1, maximum: MAX_SKILL_LEVEL });
const Skills = Type.Record(SkillName, SkillLevel, { additionalProperties: false, maxProperties: 10 });
const Prompt = Type.String({ pattern: '^(sound|recording):[A-Za-z0-9_/.-]{1,120}$' });

export const STRATEGIES = ['longest_idle', 'fewest_calls', 'skill_level', 'round_robin', 'ring_all'] as const;
export type Strategy = (typeof STRATEGIES)[number];
const StrategySchema = Type.Union(STRATEGIES.map((name) => Type.Literal(name)));

/** What a queue does with a call it cannot serve (no agent logged in for its skills, full, waited too long). */
export const QueueAction = Type.Union([
  Type.Object({ action: Type.Literal('wait') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('overflow'), queue: QueueName }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('callback') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('voicemail') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('hangup'), prompts: Type.Optional(Type.Array(Prompt, { minItems: 1, maxItems: 10 })) }, { additionalProperties: false }),
]);
export type QueueAction = Static<typeof QueueAction>;
export const QUEUE_ACTIONS = ['wait', 'overflow', 'callback', 'voicemail', 'hangup'] as const;

export const Announcements = Type.Object(
  {
    /** Announce as soon as the call enters the queue. */
    onEntry: Type.Optional(Type.Boolean()),
    /** Repeat every N seconds; 0 = never repeat. */
    everySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    position: Type.Optional(Type.Boolean()),
    estimatedWait: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** When the wallboard colours a queue's tiles: amber past the figure, red past one and a half times it. */
export const QueueAlertsSchema = Type.Object(
  {
    waitingAbove: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    longestWaitAboveSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    abandonRateAbovePercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

/** How the queue's callbacks are offered and dialled (src/callbacks). */
export const QueueCallbackSchema = Type.Object(
  {
    /** agent_first: the reserved agent's phone rings, then the customer is dialled; customer_first: the reverse. */
    mode: Type.Optional(Type.Union([Type.Literal('agent_first'), Type.Literal('customer_first')])),
    /** Dial attempts before the callback fails and becomes a task for a person. */
    attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    /** How long the customer's phone rings. */
    ringSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 120 })),
    /** Offer a callback to a caller who has waited this long… */
    offerAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    /** …or as soon as their announced wait estimate is above this. */
    offerWhenEstimateAboveSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
  },
  { additionalProperties: false },
);

export const QueueSchema = Type.Object(
  {
    name: QueueName,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    serviceLevelSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    /** Percent of calls to answer within serviceLevelSeconds: the wallboard's target and the Erlang C staffing goal. */
    serviceLevelTargetPercent: Type.Optional(Type.Number({ minimum: 1, maximum: 99.9 })),
    alerts: Type.Optional(QueueAlertsSchema),
    maxWaitSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    wrapUpSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    ringTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 120 })),
    strategy: Type.Optional(StrategySchema),
    announcements: Type.Optional(Announcements),
    whenNoAgents: Type.Optional(QueueAction),
    whenFull: Type.Optional(QueueAction),
    whenMaxWait: Type.Optional(QueueAction),
    callback: Type.Optional(QueueCallbackSchema),
  },
  { additionalProperties: false },
);
export type QueueSchema = Static<typeof QueueSchema>;

/** A queue with every default filled in: what the catalog and route() hand out. */
export interface QueueDefinition {
  name: string;
  description?: string | undefined;
  serviceLevelSeconds: number;
  serviceLevelTargetPercent: number;
  alerts: { waitingAbove: number; longestWaitAboveSeconds: number; abandonRateAbovePercent: number };
  maxWaitSeconds: number;
  maxLength: number;
  wrapUpSeconds: number;
  ringTimeoutSeconds: number;
  strategy: Strategy;
  announcements: { onEntry: boolean; everySeconds: number; position: boolean; estimatedWait: boolean };
  whenNoAgents: QueueAction;
  whenFull: QueueAction;
  whenMaxWait: QueueAction;
  callback: {
    mode: 'agent_first' | 'customer_first';
    attempts: number;
    retryAfterSeconds: number;
    ringSeconds: number;
    offerAfterSeconds: number | null;
    offerWhenEstimateAboveSeconds: number | null;
  };
}

/** The IVR's condition fields, plus what routing learns from the CRM and the call history (see facts.ts). */
export const ROUTING_FIELDS = ['queue', 'openTickets', 'callsLast24h', 'lastCallAbandoned'] as const;
const IVR_FIELD_PATTERN = 'matched|match|callerIdKind|dialled|language|customer\\.(tier|language|doNotCall|lifetimeValue|segment)|vars\\.[a-z][a-z0-9_]{0,39}|tags';
export const FIELD_PATTERN = `^(${IVR_FIELD_PATTERN}|${ROUTING_FIELDS.join('|')})$`;

/** The IVR comparison (same tests, same meaning) over the wider routing field set. */
export const Comparison = Type.Object({ ...IvrComparison.properties, field: Type.String({ pattern: FIELD_PATTERN }) }, { additionalProperties: false });
export type Comparison = Static<typeof Comparison>;


/** Calendar matching: holds when the call's moment, in the time zone, fits every part given. */
export const TimeWindow = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    days: Type.Optional(Type.Array(Day, { minItems: 1, maxItems: 7 })),
    /** Local time of day, from inclusive, to exclusive; give both. */
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    /** Local dates (YYYY-MM-DD), e.g. public holidays. */
    dates: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { minItems: 1, maxItems: 366 })),
  },
  { additionalProperties: false },
);
export type TimeWindow = Static<typeof TimeWindow>;
export const TimeCondition = Type.Object({ time: TimeWindow }, { additionalProperties: false });

export type Condition = Comparison | { time: TimeWindow } | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export const Condition = Type.Cyclic(
  {
    Condition: Type.Union([
      Comparison,
      TimeCondition,
      Type.Object({ all: Type.Array(Type.Ref('Condition'), { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Type.Ref('Condition'), { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ not: Type.Ref('Condition') }, { additionalProperties: false }),
    ]),
  },
  'Condition',
);

const After = Type.Integer({ minimum: 1, maximum: 86400, description: 'seconds since the call entered the queue' });
export const ESCALATION_ACTIONS = ['relax', 'add_queue', 'overflow', 'callback', 'voicemail'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export const RelaxStep = Type.Object(
  {
    after: After,
    action: Type.Literal('relax'),
    skill: SkillName,
    /** The new minimum level; 0 drops the requirement. */
    level: Type.Integer({ minimum: 0, maximum: MAX_SKILL_LEVEL - 1 }),
  },
  { additionalProperties: false },
);
export const AddQueueStep = Type.Object({ after: After, action: Type.Literal('add_queue'), queue: QueueName }, { additionalProperties: false });
export const OverflowStep = Type.Object({ after: After, action: Type.Literal('overflow'), queue: QueueName }, { additionalProperties: false });
export const CallbackStep = Type.Object({ after: After, action: Type.Literal('callback') }, { additionalProperties: false });
export const VoicemailStep = Type.Object({ after: After, action: Type.Literal('voicemail') }, { additionalProperties: false });
export const EscalationStep = Type.Union([RelaxStep, AddQueueStep, OverflowStep, CallbackStep, VoicemailStep]);
export type EscalationStep = Static<typeof EscalationStep>;

/** A priority is a head start in seconds of virtual wait; capped so the worst extra wait anyone suffers is bounded. */
export const MAX_PRIORITY = 3600;

export const Rule = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    /** Absent on the default rule only. */
    when: Type.Optional(Condition),
    queue: QueueName,
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRIORITY })),
    skills: Type.Optional(Skills),
    escalations: Type.Optional(Type.Array(EscalationStep, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type Rule = Static<typeof Rule>;

export const RulesFile = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 500 })),
    queues: Type.Optional(Type.Array(QueueSchema, { maxItems: 1000 })),
    rules: Type.Optional(Type.Array(Rule, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type RulesFile = Static<typeof RulesFile>;
