import { illegalTransition, type AgentActionType, type AgentStateEvent, type AgentStatus } from '../agents/agent-state.js';
import { RingsideError, conflict, notFound } from '../errors.js';
import type { Redis } from '../redis/client.js';
import { AcdKeys } from './keys.js';
import { defineAcdScripts, runScript, type ScriptName } from './lua-scripts.js';
import type { AgentProfile, Assignment, CallChange, CallToQueue, HeldCall, QueueStrategy, RemovedCall, StoredAgent } from './types.js';

/** Agent actions a caller may ask for directly; offers only happen through assignment. */
type DirectAction = Exclude<AgentActionType, 'offer' | 'login'>;

/** A call back at its place: its position, and the agents it was taken from (paused, or withdrawn). */
interface RequeuedCall {
  queue: string;
  position: number;
  event?: AgentStateEvent;
  events?: AgentStateEvent[];
}

interface ScriptError {
  error: string;
  from?: AgentStatus;
  action?: AgentActionType;
}

/**
 * The ACD's live state in Redis: waiting calls, agent states, assignment. Every change that touches more than
 * one key is one Lua script (src/acd/lua/), so any number of Ringside nodes can share it. Data model and
 * rules: src/acd/README.md.
 */
export class AcdStore {
  readonly keys: AcdKeys;

  /** This node's name (its Stasis application): calls it enqueues are its own, offers for them come to its inbox. */
  readonly node: string;

  constructor(
    private readonly redis: Redis,
    options: { tag?: string; now?: () => number; node?: string } = {},
  ) {
    this.keys = new AcdKeys(options.tag, redis.options.keyPrefix ?? '');
    this.now = options.now ?? Date.now;
    this.node = options.node ?? '';
    defineAcdScripts(redis);
  }

  private readonly now: () => number;

  async enqueueCall(call: CallToQueue): Promise<{ position: number }> {
    const reply = await this.run('acdEnqueueCall', [this.keys.call(call.callId), this.keys.waiting(call.queue)], [
      call.callId,
      call.queue,
      JSON.stringify(call.skills ?? {}),
      call.priority ?? 0,
      call.enqueuedAt ?? this.now(),
      call.owner ?? this.node,
      call.rule ?? '',
    ]);
    if ('error' in reply) throw conflict(`call ${call.callId} is already in the ACD`);
    return reply as { position: number };
  }

  /** The caller hung up. Null if the ACD did not know the call (already assigned and answered, or never queued). */
  async removeCall(callId: string): Promise<RemovedCall | null> {
    const reply = await this.run('acdRemoveCall', [this.keys.call(callId)], [this.keys.base, callId, this.now()]);
    return 'error' in reply ? null : (reply as RemovedCall);
  }

  /**
   * An offer was missed: the call goes back to its exact place and its agent is paused 'missed'. With
   * `agentsToBlame: false` (the node ringing them died, the offer was never rung) the agents are available again.
   */
  async requeueAtFront(callId: string, { agentsToBlame = true } = {}): Promise<RequeuedCall> {
    const reply = await this.run('acdRequeueAtFront', [this.keys.call(callId)], [this.keys.base, callId, this.now(), agentsToBlame ? '0' : '1']);
    if ('error' in reply) {
      throw reply.error === 'not_found' ? notFound(`call ${callId}`) : conflict(`call ${callId} is not being offered`);
    }
    return reply as unknown as RequeuedCall;
  }

  /** Changes a held call live (supervisor, escalation); it keeps its original arrival time. */
  async updateCall(callId: string, change: CallChange): Promise<{ state: string; queue: string; queues: string[]; priority: number; position?: number }> {
    const reply = await this.run('acdUpdateCall', [this.keys.call(callId)], [
      this.keys.base,
      callId,
      change.queues ? JSON.stringify(change.queues) : '',
      change.skills ? JSON.stringify(change.skills) : '',
      change.priority ?? '',
    ]);
    if ('error' in reply) throw notFound(`waiting call ${callId}`);
    return reply as { state: string; queue: string; queues: string[]; priority: number; position?: number };
  }

  /** A ring-all leg ended without being the one answered: the agent is available again. Null if stale. */
  async withdrawOffer(agentId: string, callId: string): Promise<AgentStateEvent | null> {
    return this.transition(agentId, 'withdraw', callId).catch(() => null);
  }

  /** Starts every agent's calls-today count again when `today` (the center's date) is a new day. */
  async resetCallsToday(today: string): Promise<boolean> {
    return (await runScript(this.redis, 'acdResetCallsToday', [this.keys.day()], [this.keys.base, today])) === 1;
  }

  /** A call of the queue ended after `seconds` of talk and wrap-up: the live average handle time follows. */
  async recordHandleTime(queue: string, seconds: number, weight = 0.1): Promise<number> {
    return Number(await runScript(this.redis, 'acdRecordHandleTime', [this.keys.stats(queue)], [seconds, weight]));
  }

  /** Average handle time per queue, for the queues that have one. */
  async handleTimes(queues: readonly string[]): Promise<Map<string, number>> {
    const pipeline = this.redis.pipeline();
    for (const queue of queues) pipeline.hget(this.keys.stats(queue), 'aht');
    const replies = (await pipeline.exec()) ?? [];
    const times = new Map<string, number>();
    replies.forEach(([, value], index) => {
      if (typeof value === 'string') times.set(queues[index]!, Number(value));
    });
    return times;
  }

  /** Every agent who has logged in, with state, skills and queues (one round trip). */
  async roster(): Promise<StoredAgent[]> {
    const ids = await this.redis.smembers(this.keys.roster());
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.agent(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((agentId, index) => {
      const hash = replies[index]?.[1] as Record<string, string> | undefined;
      return hash?.state ? [toStoredAgent(agentId, hash, this.parsed)] : [];
    });
  }

  /** The agent talking to (or being offered) a call, found in the roster; null if none. */
  async agentOnCall(callId: string): Promise<string | null> {
    const agent = (await this.roster()).find((candidate) => candidate.callId === callId && (candidate.status === 'on_call' || candidate.status === 'offered'));
    return agent?.agentId ?? null;
  }

  /** Available agents of several queues at once (one round trip), by queue. */
  async availableAgentsOf(queues: readonly string[]): Promise<Map<string, string[]>> {
    const pipeline = this.redis.pipeline();
    for (const queue of queues) pipeline.zrange(this.keys.available(queue), '0', '-1');
    const replies = (await pipeline.exec()) ?? [];
    return new Map(queues.map((queue, index) => [queue, (replies[index]?.[1] as string[] | undefined) ?? []]));
  }

  /** Skills and queues as JSON text, parsed once per distinct text: the roster is re-read every few seconds. */
  private readonly parsed = new Map<string, unknown>();

  /** Says this node is alive for `ttlMs`; other nodes assign its callers only while it is. */
  async heartbeat(ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.node(this.node), String(this.now()), 'PX', ttlMs);
  }

  /**
   * The epoch of the ACD's state: `candidate` becomes it when there is none (a new Redis, or one that lost its
   * data). A node that saw another epoch before knows the state it built is gone.
   */
  async stateEpoch(candidate: string): Promise<string> {
    // One round trip with every heartbeat.
    const replies = await this.redis.multi().set(this.keys.epoch(), candidate, 'NX').get(this.keys.epoch()).exec();
    const current = replies?.[1]?.[1];
    return typeof current === 'string' ? current : candidate;
  }

  /**
   * Puts an agent back on the call they are talking on after Redis lost their state; null if they have a
   * state again (they logged in meanwhile).
   */
  async restoreAgentOnCall(agent: AgentProfile, callId: string): Promise<AgentStateEvent | null> {
    const reply = await this.run('acdRestoreAgent', [this.keys.agent(agent.agentId)], [
      this.keys.base,
      agent.agentId,
      callId,
      JSON.stringify(agent.skills),
      JSON.stringify(agent.queues),
      this.now(),
    ]);
    return 'error' in reply ? null : (reply as unknown as AgentStateEvent);
  }

  /** Waits up to `seconds` for an offer another node made for one of this node's callers (needs a connection of its own). */
  async nextInboxOffer(connection: Redis, seconds: number): Promise<Assignment | null> {
    const reply = await connection.blpop(this.keys.inbox(this.node), seconds);
    return reply ? (JSON.parse(reply[1]) as Assignment) : null;
  }

  async setQueueStrategy(queue: string, strategy: QueueStrategy): Promise<void> {
    await this.redis.hset(this.keys.config(queue), 'strategy', strategy);
  }

  agentLogin(agent: AgentProfile): Promise<AgentStateEvent> {
    return this.transition(agent.agentId, 'login', '', JSON.stringify(agent.skills), JSON.stringify(agent.queues));
  }

  agentPause(agentId: string, reason: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'pause', reason);
  }

  /** Back from a pause. */
  agentAvailable(agentId: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'resume');
  }

  /** The agent's phone answered: the call leaves the ACD (the call flow owns it from here). */
  agentAnswered(agentId: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'answer');
  }

  agentHungUp(agentId: string, wrapUpUntil: number): Promise<AgentStateEvent> {
    return this.transition(agentId, 'hang_up', String(wrapUpUntil));
  }

  agentEndWrapUp(agentId: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'end_wrap_up');
  }

  agentLogout(agentId: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'logout');
  }

  /** Any direct action by name (the state-machine tests drive every one through here). */
  /** A colleague is rung for a consult on a call in conversation: only from available, in one atomic step. */
  consultOffer(agentId: string, callId: string): Promise<AgentStateEvent> {
    return this.transition(agentId, 'offer', callId, 'consult');
  }

  agentAction(agentId: string, action: DirectAction, arg = ''): Promise<AgentStateEvent> {
    return this.transition(agentId, action, arg);
  }

  /**
   * The agent is free (`end_wrap_up`, or `resume` from a pause) and, if that leaves them available, offered their
   * next call in the same atomic step: one round trip from free to ringing.
   */
  async freeAgent(agentId: string, action: 'end_wrap_up' | 'resume'): Promise<{ event: AgentStateEvent; assignment: Assignment | null }> {
    const reply = await this.run('acdFreeAgent', [this.keys.agent(agentId)], [this.keys.base, agentId, action, this.now(), this.node]);
    if ('error' in reply) throw this.toError(agentId, reply);
    const { event, assignment } = reply as { event: AgentStateEvent; assignment?: Assignment | ScriptError };
    if (assignment && 'error' in assignment) throw new RingsideError('acd_inconsistent', `assignment refused: ${assignment.error}`, 500, { ...assignment });
    return { event, assignment: assignment ?? null };
  }

  /** A call is waiting: offer it to the best available agent of its queue, atomically. */
  assignForCall(callId: string): Promise<Assignment | null> {
    return this.assign('acdAssignForCall', this.keys.call(callId), callId);
  }

  /** An agent is available: offer them the call that waited longest (virtual wait) among those they can take. */
  assignForAgent(agentId: string): Promise<Assignment | null> {
    return this.assign('acdAssignForAgent', this.keys.agent(agentId), agentId);
  }

  /** A call the ACD holds (waiting or offered), or null once it has left. */
  async getCall(callId: string): Promise<HeldCall | null> {
    const hash = await this.redis.hgetall(this.keys.call(callId));
    if (!hash.queue || (hash.state !== 'waiting' && hash.state !== 'offered')) return null;
    const call: HeldCall = {
      queue: hash.queue,
      queues: JSON.parse(hash.queues ?? '[]') as string[],
      state: hash.state,
      enqueuedAt: Number(hash.enqueuedAt ?? this.now()),
      priority: Number(hash.priority ?? 0),
      skills: JSON.parse(hash.skills ?? '{}') as HeldCall['skills'],
      owner: hash.owner ?? '',
      agents: JSON.parse(hash.agents ?? '[]') as string[],
    };
    if (call.queues.length === 0) call.queues = [call.queue];
    if (hash.agent) call.agentId = hash.agent;
    if (hash.rule) call.rule = hash.rule;
    if (hash.offer) call.offerId = Number(hash.offer);
    return call;
  }

  /** Of these call ids, the ones the ACD does not hold (one round trip). */
  async missingCalls(callIds: readonly string[]): Promise<string[]> {
    const pipeline = this.redis.pipeline();
    for (const callId of callIds) pipeline.exists(this.keys.call(callId));
    const replies = (await pipeline.exec()) ?? [];
    return callIds.filter((_, index) => replies[index]?.[1] === 0);
  }

  async getAgent(agentId: string): Promise<StoredAgent | null> {
    const hash = await this.redis.hgetall(this.keys.agent(agentId));
    return hash.state ? toStoredAgent(agentId, hash, this.parsed) : null;
  }

  /** A waiting call's place in a queue's line (1 = next), or null when it is not waiting there. */
  async position(callId: string, queue: string): Promise<number | null> {
    const rank = await this.redis.zrank(this.keys.waiting(queue), callId);
    return rank === null ? null : rank + 1;
  }

  /** Waiting call ids of a queue, first in line first. */
  waitingCalls(queue: string): Promise<string[]> {
    return this.redis.zrange(this.keys.waiting(queue), '0', '-1');
  }

  /** Available agent ids of a queue, longest idle first. */
  availableAgents(queue: string): Promise<string[]> {
    return this.redis.zrange(this.keys.available(queue), '0', '-1');
  }

  private async transition(agentId: string, action: AgentActionType, arg = '', skills = '', queues = ''): Promise<AgentStateEvent> {
    const reply = await this.run('acdAgentTransition', [this.keys.agent(agentId)], [
      this.keys.base,
      agentId,
      action,
      this.now(),
      arg,
      skills,
      queues,
    ]);
    if ('error' in reply) throw this.toError(agentId, reply);
    return reply as unknown as AgentStateEvent;
  }

  private async assign(script: ScriptName, key: string, id: string): Promise<Assignment | null> {
    const raw = await runScript(this.redis, script, [key], [this.keys.base, id, this.now(), this.node]);
    if (raw === null) return null;
    const reply = JSON.parse(String(raw)) as Assignment | ScriptError;
    // The scripts check the agent is available before offering; an error here means the store is inconsistent.
    if ('error' in reply) throw new RingsideError('acd_inconsistent', `assignment refused: ${reply.error}`, 500, { ...reply });
    return reply;
  }

  private async run(script: ScriptName, keys: string[], args: (string | number)[]): Promise<Record<string, unknown> & Partial<ScriptError>> {
    const raw = await runScript(this.redis, script, keys, args);
    // cjson encodes an empty Lua table as {}; every script returns an object.
    return JSON.parse(raw === null ? '{}' : String(raw)) as Record<string, unknown> & Partial<ScriptError>;
  }

  private toError(agentId: string, reply: Partial<ScriptError>): RingsideError {
    if (reply.error === 'illegal_transition' && reply.from && reply.action) return illegalTransition(agentId, reply.from, reply.action);
    return new RingsideError(reply.error ?? 'acd_error', `agent ${agentId}: ${reply.error ?? 'unknown error'}`, 400, { ...reply });
  }
}

/** Parsed JSON by its text; callers must not change what they get (it is shared). */
function parseOnce<T>(cache: Map<string, unknown>, text: string): T {
  let value = cache.get(text);
  if (value === undefined) {
    value = JSON.parse(text);
    // Bounded: one entry per distinct skill set or queue list, cleared if a center churns through many.
    if (cache.size > 10_000) cache.clear();
    cache.set(text, value);
  }
  return value as T;
}

function toStoredAgent(agentId: string, hash: Record<string, string>, cache: Map<string, unknown>): StoredAgent {
  const agent: StoredAgent = {
    agentId,
    status: hash.state as AgentStatus,
    since: Number(hash.since),
    logoutPending: hash.logoutPending === '1',
    skills: parseOnce<StoredAgent['skills']>(cache, hash.skills ?? '{}'),
    queues: parseOnce<string[]>(cache, hash.queues ?? '[]'),
    callsToday: Number(hash.callsToday ?? 0),
  };
  if (hash.reason !== undefined) agent.reason = hash.reason;
  if (hash.callId !== undefined) agent.callId = hash.callId;
  if (hash.until !== undefined) agent.until = Number(hash.until);
  if (hash.idleSince !== undefined) agent.idleSince = Number(hash.idleSince);
  return agent;
}
