import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ConsoleCalls } from '../../console/console-calls.js';
import { AttributesRequest, CallView, ConsoleConfig, ConsultRequest, NoteRequest, PickRequest, RecentCall, TransferRequest, WrapUpRequest } from '../../console/schemas.js';
import { directQueueOf } from '../../acd/direct-queue.js';
import { callViewOf } from '../../console/call-view.js';
import type { Queryable } from '../../db/queryable.js';
import { conflict, notFound, RingsideError } from '../../errors.js';
import type { AcdService } from '../../telephony/telephony-service.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }];
const AGENT_ONLY = { roles: ['agent'] as const };
const Done = Type.Null();

export interface ConsoleRouteDependencies {
  db: Queryable;
  acd: AcdService;
  dispositions: readonly string[];
  pauseReasons: readonly string[];
}

/** The calling agent's id: these routes are about one's own call only. */
function me(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw new RingsideError('forbidden', 'the console is for agents logged in with a session', 403);
  return String(principal.user.id);
}

/**
 * The agent console's REST side (src/console/schemas.ts is the contract): what
 * it needs to draw itself, the call controls, and the writes on the call's
 * interaction. Call controls act on a conversation held by this node; with
 * several nodes the console's requests reach the node that holds the caller
 * (the load balancer keeps an agent on one node is NOT assumed: a call on
 * another node answers 409 `call_on_other_node`).
 */
export function registerConsoleRoutes(parent: FastifyInstance, deps: ConsoleRouteDependencies): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { acd } = deps;
  const calls = new ConsoleCalls(deps.db);

  /** The call the agent is offered, talking on or wrapping up, from the ACD's state. */
  const currentCall = async (agentId: string): Promise<string> => {
    const agent = await acd.store.getAgent(agentId);
    if (!agent?.callId) throw conflict('you have no call right now');
    return agent.callId;
  };
  const localTalk = async (agentId: string) => {
    const talk = acd.dispatcher.talkOf(agentId);
    if (talk) return talk;
    const agent = await acd.store.getAgent(agentId);
    if (agent?.status === 'on_call') throw new RingsideError('call_on_other_node', 'your call is held by another Ringside node; retry there', 409);
    throw conflict('you are not talking to a caller');
  };
  const control = (url: string, summary: string, run: (agentId: string) => Promise<unknown>) =>
    app.post(url, { config: AGENT_ONLY, schema: { tags: ['console'], summary, security: SECURITY, response: { 204: Done, 409: ErrorRef } } }, async (request, reply) => {
      await run(me(request));
      return reply.code(204).send(null);
    });

  app.get('/console/config', { config: AGENT_ONLY, schema: { tags: ['console'], summary: 'What the console needs to draw itself', security: SECURITY, response: { 200: ConsoleConfig } } }, async (request) => {
    const agentId = me(request);
    const states = new Map((await acd.store.roster()).map((agent) => [agent.agentId, agent.status]));
    const self = acd.agents().find((agent) => agent.agentId === agentId);
    return {
      agentId,
      displayName: self?.displayName ?? (request.principal?.kind === 'user' ? request.principal.user.displayName : agentId),
      dispositions: [...deps.dispositions],
      pauseReasons: [...deps.pauseReasons],
      queues: acd.rules().queues().map((queue) => queue.name),
      agents: acd.agents().filter((agent) => agent.agentId !== agentId).map((agent) => ({ agentId: agent.agentId, displayName: agent.displayName, status: states.get(agent.agentId) ?? 'logged_out' })),
    };
  });

  /** Call controls that answer the call's new view. */
  const viewControl = (url: string, summary: string, run: (agentId: string) => Promise<ReturnType<typeof callViewOf>>) =>
    app.post(url, { config: AGENT_ONLY, schema: { tags: ['console'], summary, security: SECURITY, response: { 200: CallView, 409: ErrorRef } } }, async (request) => run(me(request)));

  viewControl('/console/call/hold', 'Put the caller on hold (music; the agent hears nothing of them)', async (agentId) => {
    await localTalk(agentId);
    return callViewOf(await acd.dispatcher.holdCall(agentId), 'held');
  });
  viewControl('/console/call/resume', 'Take the caller off hold', async (agentId) => {
    await localTalk(agentId);
    return callViewOf(await acd.dispatcher.resumeCall(agentId), 'talking');
  });
  control('/console/call/hangup', 'Hang up the call (as the phone would), or the consult leg a colleague called you on; wrap-up follows', async (agentId) => {
    // localTalk says why not: no call, or a call held by another node.
    if (!acd.dispatcher.talkOf(agentId) && !acd.dispatcher.isConsulted(agentId)) await localTalk(agentId);
    await acd.dispatcher.hangUpCall(agentId);
  });

  app.post(
    '/console/call/consult',
    {
      config: AGENT_ONLY,
      schema: {
        tags: ['console'],
        summary: 'Attended transfer, step 1: hold the caller and ring an available colleague (they get the pop and the note)',
        description: 'Then `consult/complete` hands the caller over, `consult/cancel` takes them back. Hanging up while talking to the colleague completes it. Progress arrives as `call.update` messages.',
        security: SECURITY,
        body: ConsultRequest,
        response: { 200: CallView, 404: ErrorRef, 409: ErrorRef },
      },
    },
    async (request) => {
      const agentId = me(request);
      await localTalk(agentId);
      const { to, note = '' } = request.body;
      if (!acd.agents().some((agent) => agent.agentId === to.agentId)) throw notFound(`agent ${to.agentId}`);
      return callViewOf(await acd.dispatcher.consult(agentId, { agentId: to.agentId, note }), 'consulting');
    },
  );
  control('/console/call/consult/complete', 'Attended transfer, step 2: the caller joins the colleague; your wrap-up starts', async (agentId) => {
    await localTalk(agentId);
    await acd.dispatcher.completeConsult(agentId);
  });
  viewControl('/console/call/consult/cancel', 'Call the consult off: the colleague\'s leg ends and the caller is back with you', async (agentId) => {
    const talk = await localTalk(agentId);
    await acd.dispatcher.cancelConsult(agentId);
    return callViewOf(talk, 'talking');
  });

  app.post(
    '/console/call/transfer',
    {
      config: AGENT_ONLY,
      schema: {
        tags: ['console'],
        summary: 'Blind transfer to a queue or to one agent; the note shows on the next agent\'s pop',
        description: 'The caller keeps their place as of their arrival. To an agent: they must be logged in; the call waits for them up to 2 minutes, then goes to the queue it came from.',
        security: SECURITY,
        body: TransferRequest,
        response: { 204: Done, 404: ErrorRef, 409: ErrorRef },
      },
    },
    async (request, reply) => {
      const agentId = me(request);
      const talk = await localTalk(agentId);
      const { to, note = '' } = request.body;
      let queue: string;
      if ('queue' in to) {
        if (!acd.rules().queue(to.queue)) throw notFound(`queue ${to.queue}`);
        queue = to.queue;
      } else {
        if (to.agentId === agentId) throw conflict('you cannot transfer a call to yourself');
        const target = await acd.store.getAgent(to.agentId);
        if (!acd.agents().some((agent) => agent.agentId === to.agentId)) throw notFound(`agent ${to.agentId}`);
        if (!target || target.status === 'logged_out') throw conflict(`agent ${to.agentId} is not logged in`);
        queue = directQueueOf(to.agentId);
      }
      await acd.dispatcher.transferCall(agentId, { queue, fromAgent: agentId, note, ...(talk.queue ? { fallbackQueue: talk.queue } : {}) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/console/call/pick',
    { config: AGENT_ONLY, schema: { tags: ['console'], summary: 'The customer the caller is (from the pop\'s candidates, or just created)', security: SECURITY, body: PickRequest, response: { 204: Done, 404: ErrorRef, 409: ErrorRef } } },
    async (request, reply) => {
      const agentId = me(request);
      await calls.pick(await currentCall(agentId), agentId, request.body.customerId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/console/call/attributes',
    { config: AGENT_ONLY, schema: { tags: ['console'], summary: 'Set call attributes on the interaction', security: SECURITY, body: AttributesRequest, response: { 204: Done, 400: ErrorRef, 409: ErrorRef } } },
    async (request, reply) => {
      const agentId = me(request);
      await calls.setAttributes(await currentCall(agentId), agentId, request.body.attributes);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/console/call/notes',
    { config: AGENT_ONLY, schema: { tags: ['console'], summary: 'Add a note to the call (it lands in the customer\'s history)', security: SECURITY, body: NoteRequest, response: { 204: Done, 409: ErrorRef } } },
    async (request, reply) => {
      const agentId = me(request);
      await calls.addNote(await currentCall(agentId), agentId, request.body.text);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/console/wrap-up',
    {
      config: AGENT_ONLY,
      schema: {
        tags: ['console'],
        summary: 'Save the disposition and notes of a call; ends the wrap-up unless stayInWrapUp',
        security: SECURITY,
        body: WrapUpRequest,
        response: { 204: Done, 400: ErrorRef, 404: ErrorRef, 409: ErrorRef },
      },
    },
    async (request, reply) => {
      const agentId = me(request);
      const { callId, disposition, notes, stayInWrapUp } = request.body;
      await calls.wrapUp(callId, agentId, disposition, notes, deps.dispositions);
      const agent = await acd.store.getAgent(agentId);
      if (!stayInWrapUp && agent?.status === 'wrap_up' && agent.callId === callId) await acd.dispatcher.endWrapUp(agentId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/console/recent-calls',
    { config: AGENT_ONLY, schema: { tags: ['console'], summary: 'The agent\'s last 20 calls', security: SECURITY, response: { 200: Type.Array(RecentCall) } } },
    async (request) => calls.recent(me(request)),
  );
}
