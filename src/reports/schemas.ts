import { Type } from 'typebox';
import type { InteractionOutcome } from '../interactions/interaction-recorder.js';
import { INTERVALS, type IntervalMinutes } from './report-range.js';

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const Interval = Type.Unsafe<IntervalMinutes>(Type.Integer({ enum: [...INTERVALS], default: 15, description: 'minutes per interval: 15, 30 or 60' }));
export const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: a CSV file (so does Accept: text/csv)' }));
const When = (description: string) =>
  Type.String({ minLength: 1, maxLength: 40, description: `${description}: a date (the center's midnight; as \`to\`, through that day), a time on the center's clock (2026-06-01T09:30) or with an offset (…Z, …+08:00)` });

const Range = { from: When('start'), to: When('end'), interval: Interval, format: Format };
export const QueueReportQuery = Type.Object(
  { ...Range, queue: Type.Optional(Type.String({ pattern: '^[a-z0-9_:-]{1,72}$', description: 'only this queue' })) },
  { additionalProperties: false },
);
export const AgentReportQuery = Type.Object(
  { ...Range, agentId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'only this agent' })) },
  { additionalProperties: false },
);

const Figures = {
  offered: Type.Integer({ description: 'calls that entered the queue' }),
  answered: Type.Integer(),
  abandoned: Type.Integer({ description: 'the caller hung up waiting or while an agent\'s phone rang' }),
  answeredWithinThreshold: Type.Integer(),
  serviceLevelPercent: Nullable(Type.Number({ description: 'answered within the threshold ÷ (answered + abandoned) × 100' })),
  abandonRatePercent: Nullable(Type.Number({ description: 'abandoned ÷ (answered + abandoned) × 100' })),
  asaSeconds: Nullable(Type.Number({ description: 'average wait of the answered calls' })),
  ahtSeconds: Nullable(Type.Number({ description: 'average talk (answer to hang-up, hold included; not the wrap-up) of the answered calls that ended' })),
  longestWaitSeconds: Nullable(Type.Number({ description: 'longest wait of an answered or abandoned call' })),
};
const IntervalStart = {
  intervalStart: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null on a row of totals' }),
  intervalStartLocal: Type.Union([Type.String(), Type.Null()], { description: 'YYYY-MM-DD HH:MM on the center\'s clock' }),
};

const reportOf = <T extends ReturnType<typeof Type.Object>>(row: T) =>
  Type.Object({
    from: Type.String(),
    to: Type.String({ description: 'exclusive' }),
    timezone: Type.String(),
    intervalMinutes: Type.Integer(),
    rows: Type.Array(row),
    totals: Type.Array(row, { description: 'one row per queue or agent over the whole range' }),
  });

export const QueueReport = reportOf(Type.Object({ ...IntervalStart, queue: Type.String(), serviceLevelSeconds: Type.Integer(), ...Figures }));
export const AgentReport = reportOf(Type.Object({ ...IntervalStart, agentId: Type.String(), displayName: Type.String(), ...Figures }));

export const OUTCOMES: readonly InteractionOutcome[] = ['answered', 'abandoned', 'voicemail', 'callback', 'transferred', 'failed', 'completed'];
export const MAX_SEARCH_LIMIT = 1000;

export const InteractionQuery = Type.Object(
  {
    customerId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    agentId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    queue: Type.Optional(Type.String({ pattern: '^[a-z0-9_:-]{1,72}$', description: 'a queue of the routing rules, or an agent\'s direct queue agent:<id>' })),
    outcome: Type.Optional(Type.Unsafe<InteractionOutcome>(Type.String({ enum: [...OUTCOMES] }))),
    from: Type.Optional(When('arrived at or after')),
    to: Type.Optional(When('arrived before')),
    limit: Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'nextCursor of the previous page' })),
    format: Format,
  },
  { additionalProperties: false },
);

export const InteractionPage = Type.Object({
  interactions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      callId: NullableString,
      customerId: Type.Union([Type.Integer(), Type.Null()]),
      customerName: NullableString,
      callerE164: NullableString,
      queue: NullableString,
      agentId: Type.Union([Type.String(), Type.Null()], { description: 'the agent the call was last offered to or answered by' }),
      agentName: NullableString,
      handledBy: Type.Array(Type.String(), { description: 'agents who had the call before transferring it' }),
      arrivedAt: Type.String(),
      queuedAt: NullableString,
      answeredAt: NullableString,
      endedAt: NullableString,
      outcome: NullableString,
      outcomeDetail: NullableString,
      disposition: NullableString,
      waitSeconds: Nullable(Type.Number()),
      talkSeconds: Nullable(Type.Number()),
      notes: Type.String(),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'the next, older page; null on the last' }),
});
