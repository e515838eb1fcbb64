import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ScreenPop } from '../screenpop/pop-message.js';
import { CallView } from '../console/schemas.js';
import { AGENT_STATUSES } from '../agents/agent-state.js';
import type { AcdEvent } from '../acd/acd-events.js';
import { AgentFigures, QueueFigures, WallboardSnapshot } from '../wallboard/figures.js';

/**
 * The WebSocket protocol of the agent console and the wallboard, both
 * directions. Every message is one JSON object with a `type`; the schemas are
 * the contract (the browser code imports the same types).
 */

const AgentStatus = Type.Enum(AGENT_STATUSES);

export const AgentStateView = Type.Object({
  agentId: Type.String(),
  status: AgentStatus,
  since: Type.Number(),
  reason: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
  until: Type.Optional(Type.Number()),
  logoutPending: Type.Boolean(),
});
export type AgentStateView = Static<typeof AgentStateView>;

export const SessionUserView = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union([Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('admin')]),
});
export type SessionUserView = Static<typeof SessionUserView>;

/** Sent first on every connection (and every reconnection): the state right now, so nothing missed while away matters. */
const Snapshot = Type.Object({
  type: Type.Literal('snapshot'),
  serverTime: Type.Number(),
  user: SessionUserView,
  agent: Type.Union([AgentStateView, Type.Null()]),
  pop: Type.Union([ScreenPop, Type.Null()]),
  /** Supervisors: every agent's state. */
  agents: Type.Optional(Type.Array(AgentStateView)),
  /** Supervisors: the wallboard's figures right now, and the last hour's chart. */
  wallboard: Type.Optional(WallboardSnapshot),
});

const PopMessage = Type.Object({ type: Type.Literal('pop'), pop: ScreenPop });

const AgentStateMessage = Type.Object({
  type: Type.Literal('agent.state'),
  agentId: Type.String(),
  from: AgentStatus,
  to: AgentStatus,
  reason: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
  at: Type.Number(),
});

/** Supervisors: every ACD event as it happens (the wallboard builds on it). */
const AcdFeedMessage = Type.Object({
  type: Type.Literal('acd'),
  // Its shape is the ACD's own event union (src/acd/acd-events.ts), every variant with a `type`.
  event: Type.Unsafe<AcdEvent>(Type.Object({ type: Type.String(), at: Type.Number() })),
});

/** The agent's call changed: answered (talking), held, resumed, ended. */
const CallUpdate = Type.Object({ type: Type.Literal('call.update'), call: CallView });

/** Supervisors: a queue's figures changed (at most one message per queue per second). */
const WallboardQueue = Type.Object({ type: Type.Literal('wallboard.queue'), figures: QueueFigures });
/** Supervisors: an agent's row of the wallboard changed (coalesced like the queues). */
const WallboardAgent = Type.Object({ type: Type.Literal('wallboard.agent'), agent: AgentFigures });

const Pong = Type.Object({ type: Type.Literal('pong'), id: Type.Optional(Type.String()), serverTime: Type.Number() });

const ErrorMessage = Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String() });

/** The server is closing this session (logout elsewhere, session expired): the client should not reconnect with it. */
const SessionEnded = Type.Object({ type: Type.Literal('session.ended'), reason: Type.String() });

export const ServerMessage = Type.Union([Snapshot, PopMessage, AgentStateMessage, CallUpdate, AcdFeedMessage, WallboardQueue, WallboardAgent, Pong, ErrorMessage, SessionEnded]);
export type ServerMessage = Static<typeof ServerMessage>;

const Ping = Type.Object({ type: Type.Literal('ping'), id: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
/** The console shows a pop: lets the server measure (and log) how late pops arrive. */
const PopShown = Type.Object({ type: Type.Literal('pop.shown'), popId: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

export const ClientMessage = Type.Union([Ping, PopShown]);
export type ClientMessage = Static<typeof ClientMessage>;

const clientMessage = Compile(ClientMessage);

/** Longest client message accepted; anything bigger is refused before parsing. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; code: string; message: string };

export function parseClientMessage(raw: string): ParsedClientMessage {
  if (raw.length > MAX_CLIENT_MESSAGE_BYTES) return { ok: false, code: 'too_large', message: `messages are at most ${MAX_CLIENT_MESSAGE_BYTES} bytes` };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_json', message: 'a message must be one JSON object' };
  }
  if (clientMessage.Check(data)) return { ok: true, message: data };
  const first = clientMessage.Errors(data)[0];
  const type = typeof data === 'object' && data !== null && 'type' in data ? String(data.type) : undefined;
  return { ok: false, code: 'bad_message', message: `${type ? `'${type}': ` : ''}${first ? `${first.instancePath || '/'} ${first.message}` : 'not a known message'}` };
}
