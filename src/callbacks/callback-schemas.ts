import { Type, type Static } from 'typebox';
import { QueueName } from '../routing/schema.js';
import type { Callback, CallbackStatus } from './callback-store.js';

const Instant = Type.String({ maxLength: 40, description: 'ISO 8601 with an offset, e.g. 2026-06-01T09:30:00+08:00' });

export const CallbackRequestBody = Type.Object(
  {
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'the number to call; the customer\'s number on file when absent' })),
    customerId: Type.Optional(Type.Integer({ minimum: 1 })),
    queue: QueueName,
    window: Type.Optional(Type.Object({ from: Type.Optional(Instant), to: Type.Optional(Instant) }, { additionalProperties: false })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    requestKey: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$', description: 'the same key again answers the first request (a retried POST books nothing twice)' })),
  },
  { additionalProperties: false },
);

export const FollowUpBody = Type.Object(
  {
    customerId: Type.Optional(Type.Integer({ minimum: 1 })),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    at: Instant,
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    /** me: the agent's own line (only they get it); queue: whoever of the queue is free. */
    to: Type.Union([Type.Literal('me'), Type.Literal('queue')]),
    queue: Type.Optional(QueueName),
  },
  { additionalProperties: false },
);

const STATUSES = ['scheduled', 'queued', 'dialing', 'completed', 'failed', 'cancelled'] as const;
const Status = Type.Unsafe<CallbackStatus>(Type.String({ enum: [...STATUSES] }));

export const CallbackQuery = Type.Object(
  {
    status: Type.Optional(Status),
    customerId: Type.Optional(Type.Integer({ minimum: 1 })),
    queue: Type.Optional(QueueName),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

export const CallbackView = Type.Object({
  id: Type.Integer(),
  status: Status,
  source: Type.Union([Type.Literal('queue'), Type.Literal('web'), Type.Literal('follow_up'), Type.Literal('campaign')]),
  campaignId: Type.Union([Type.Integer(), Type.Null()]),
  customerId: Type.Union([Type.Integer(), Type.Null()]),
  number: Type.String(),
  queue: Type.String(),
  inLineSince: Type.String({ description: 'the place kept in line: when the caller joined the queue (or the request was made)' }),
  requestedAt: Type.String(),
  dueAt: Type.String(),
  window: Type.Union([Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  agentId: Type.Union([Type.Integer(), Type.Null()]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  note: Type.String(),
  requestedBy: Type.Union([Type.String(), Type.Null()]),
});
export type CallbackView = Static<typeof CallbackView>;

export const DncEntry = Type.Object({ number: Type.String(), reason: Type.String(), addedBy: Type.Union([Type.String(), Type.Null()]), addedAt: Type.String() });

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

export function callbackView(callback: Callback): CallbackView {
  return {
    id: callback.id,
    status: callback.status,
    source: callback.source,
    customerId: callback.customerId,
    number: callback.phoneE164,
    queue: callback.queue,
    inLineSince: callback.queueEnteredAt.toISOString(),
    requestedAt: callback.requestedAt.toISOString(),
    dueAt: callback.dueAt.toISOString(),
    window: callback.windowStart || callback.windowEnd ? { from: iso(callback.windowStart), to: iso(callback.windowEnd) } : null,
    agentId: callback.agentId,
    attempts: callback.attempts,
    maxAttempts: callback.maxAttempts,
    outcome: callback.outcomeDetail,
    endedAt: iso(callback.endedAt),
    note: callback.notes,
    requestedBy: callback.requestedBy,
    campaignId: callback.campaignId,
  };
}
