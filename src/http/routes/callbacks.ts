import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CountryCode } from 'libphonenumber-js/max';
import { Type } from 'typebox';
import { actorOf } from '../../audit/actor.js';
import { numberOf, requestCallback } from '../../callbacks/callback-requests.js';
import { CallbackQuery, CallbackRequestBody, callbackView, CallbackView, DncEntry, FollowUpBody } from '../../callbacks/callback-schemas.js';
import { DncList } from '../../callbacks/dnc-list.js';
import type { Queryable } from '../../db/queryable.js';
import { conflict, notFound, RingsideError } from '../../errors.js';
import type { AcdService } from '../../telephony/telephony-service.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const SUPERVISION = ['supervisor', 'admin', 'integration'] as const;
const REQUESTERS = ['integration', 'supervisor', 'admin'] as const;
const CallbackId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const Number164 = Type.Object({ number: Type.String({ minLength: 1, maxLength: 32 }) });

export interface CallbackRouteDependencies {
  db: Queryable;
  acd: AcdService;
  region: CountryCode;
}

const Attempt = Type.Object({ callId: Type.String(), at: Type.String(), agentId: Type.Union([Type.Integer(), Type.Null()]), outcome: Type.Union([Type.String(), Type.Null()]), detail: Type.Union([Type.String(), Type.Null()]) });

/**
 * Callback requests (websites and other systems with an API key; supervisors), the list and one callback with
 * its attempts, cancelling, an agent's follow-up, and the do-not-call list.
 */
export function registerCallbackRoutes(parent: FastifyInstance, { db, acd, region }: CallbackRouteDependencies): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const context = { db, callbacks: acd.callbacks, region, queue: (name: string) => acd.rules().queue(name) };
  const dnc = new DncList(db);
  const e164Of = (number: string): string => numberOf(number, region);

  app.post(
    '/callbacks',
    {
      config: { roles: REQUESTERS },
      schema: {
        tags: ['callbacks'],
        summary: 'Ask for a callback: a number (or a customer with one), a queue and an optional window',
        description:
          'Scheduled at once; dialled within the window, the center\'s hours (CENTER_HOURS) and the customer\'s own calling hours. 201 with the callback; 200 with the first one for a `requestKey` seen before. 422 `do_not_call` for a number that must not be called.',
        security: SECURITY,
        body: CallbackRequestBody,
        response: { 200: CallbackView, 201: CallbackView, 400: ErrorRef, 422: ErrorRef },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const { callback, created } = await requestCallback(context, {
        source: 'web',
        number: body.number,
        customerId: body.customerId,
        queue: body.queue,
        from: body.window?.from,
        to: body.window?.to,
        note: body.note,
        requestKey: body.requestKey,
        requestedBy: actorOf(request.principal).username,
      });
      return reply.code(created ? 201 : 200).send(callbackView(callback));
    },
  );

  app.get(
    '/callbacks',
    {
      config: { roles: SUPERVISION },
      schema: { tags: ['callbacks'], summary: 'Callbacks, newest first: by status, customer, queue', security: SECURITY, querystring: CallbackQuery, response: { 200: Type.Array(CallbackView), 400: ErrorRef } },
    },
    async (request) => (await acd.callbacks.store.list(request.query)).map(callbackView),
  );

  app.get(
    '/callbacks/:id',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['callbacks'],
        summary: 'One callback and each of its dial attempts',
        security: SECURITY,
        params: CallbackId,
        response: { 200: Type.Object({ ...CallbackView.properties, attemptCalls: Type.Array(Attempt) }), 404: ErrorRef },
      },
    },
    async (request) => {
      const callback = await acd.callbacks.store.get(request.params.id);
      if (!callback) throw notFound(`callback ${request.params.id}`);
      const { rows } = await db.query<{ call_id: string; arrived_at: Date; agent_id: number | null; outcome: string | null; outcome_detail: string | null }>(
        'SELECT call_id, arrived_at, agent_id::int, outcome, outcome_detail FROM interactions WHERE callback_id = $1 ORDER BY arrived_at',
        [callback.id],
      );
      return { ...callbackView(callback), attemptCalls: rows.map((row) => ({ callId: row.call_id, at: row.arrived_at.toISOString(), agentId: row.agent_id, outcome: row.outcome, detail: row.outcome_detail })) };
    },
  );

  app.post(
    '/callbacks/:id/cancel',
    {
      config: { roles: SUPERVISION },
      schema: { tags: ['callbacks'], summary: 'Cancel a callback not yet dialled (scheduled or waiting in line)', security: SECURITY, params: CallbackId, response: { 200: CallbackView, 404: ErrorRef, 409: ErrorRef } },
    },
    async (request) => {
      const existing = await acd.callbacks.store.get(request.params.id);
      if (!existing) throw notFound(`callback ${request.params.id}`);
      const cancelled = await acd.callbacks.cancel(existing.id, actorOf(request.principal).username);
      if (!cancelled) throw conflict(`callback ${existing.id} is ${existing.status}: only a scheduled or queued callback can be cancelled`);
      return callbackView(cancelled);
    },
  );

  app.post(
    '/console/follow-ups',
    {
      config: { roles: ['agent'] },
      schema: {
        tags: ['callbacks'],
        summary: 'The agent schedules a follow-up call: to themselves (their own line) or to a queue',
        security: [{ session: [] }],
        body: FollowUpBody,
        response: { 201: CallbackView, 400: ErrorRef, 422: ErrorRef },
      },
    },
    async (request, reply) => {
      const agentId = agentOf(request);
      const { body } = request;
      const queue = body.to === 'queue' ? body.queue : (body.queue ?? acd.agents().find((agent) => agent.agentId === String(agentId))?.queues[0]);
      if (queue === undefined) throw new RingsideError('unknown_queue', body.to === 'queue' ? 'queue is required for a follow-up to a queue' : 'the agent serves no queue', 400, { field: 'queue' });
      const { callback } = await requestCallback(context, {
        source: 'follow_up',
        number: body.number,
        customerId: body.customerId,
        queue,
        from: body.at,
        note: body.note,
        ...(body.to === 'me' ? { agentId } : {}),
        requestedBy: actorOf(request.principal).username,
      });
      return reply.code(201).send(callbackView(callback));
    },
  );

  app.get(
    '/dnc',
    {
      config: { roles: SUPERVISION },
      schema: { tags: ['callbacks'], summary: 'The do-not-call list, newest first', security: SECURITY, querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }) }, { additionalProperties: false }), response: { 200: Type.Array(DncEntry) } },
    },
    async (request) => dnc.list(request.query.limit),
  );

  app.put(
    '/dnc/:number',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['callbacks'],
        summary: 'Put a number on the do-not-call list: no callback or campaign dials it from now on',
        security: SECURITY,
        params: Number164,
        body: Type.Object({ reason: Type.String({ maxLength: 200, default: '' }) }, { additionalProperties: false }),
        response: { 200: DncEntry, 400: ErrorRef },
      },
    },
    async (request) => dnc.add(e164Of(request.params.number), request.body.reason, actorOf(request.principal).username),
  );

  app.delete(
    '/dnc/:number',
    {
      config: { roles: SUPERVISION },
      schema: { tags: ['callbacks'], summary: 'Take a number off the do-not-call list', security: SECURITY, params: Number164, response: { 204: Type.Null(), 400: ErrorRef, 404: ErrorRef } },
    },
    async (request, reply) => {
      const e164 = e164Of(request.params.number);
      if (!(await dnc.remove(e164))) throw notFound(`${e164} on the do-not-call list`);
      return reply.code(204).send(null);
    },
  );
}

function agentOf(request: FastifyRequest): number {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw new RingsideError('forbidden', 'follow-ups are booked by agents logged in with a session', 403);
  return principal.user.id;
}
