import type { AgentState, AgentStateEvent } from '../agents/agent-state.js';

/** Minimum level per skill name, e.g. `{ sales: 3, french: 2 }`. */
export type Skills = Record<string, number>;

export const QUEUE_STRATEGIES = ['longest_idle', 'fewest_calls', 'skill_level', 'round_robin', 'ring_all'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

export interface CallToQueue {
  callId: string;
  queue: string;
  /** Minimum levels an agent needs; omitted means anyone serving the queue. */
  skills?: Skills;
  /** Head start in seconds of virtual wait (0 = none). See src/acd/README.md. */
  priority?: number;
  /** Epoch ms; defaults to now. */
  enqueuedAt?: number;
  /** The routing rule that sent the call (its escalation ladder survives a restart). */
  rule?: string;
  /** '' for a stand-in no node holds a channel for (a callback): whichever node assigns it runs the offer. */
  owner?: '';
}

export interface AgentProfile {
  agentId: string;
  skills: Skills;
  queues: string[];
}

export interface Assignment {
  callId: string;
  /** The agent offered the call (the first of `agents` when a ring-all queue rings several). */
  agentId: string;
  agents: string[];
  event: AgentStateEvent;
  events: AgentStateEvent[];
  /** The node whose application holds the caller's channel ('' when the call has none). */
  owner: string;
  /** This offer's number: an offer from an inbox is rung only while it is still the call's current offer. */
  offerId: number;
  /** Rung as a ring-all queue rings: an unanswered offer pauses nobody. */
  ringAll: boolean;
  /** Another node owns the caller: the offer went to its inbox and that node rings the agents. */
  remote: boolean;
}

/** What a live change of a call answers (src/acd/lua/update-call-1.lua). */
export interface CallChange {
  queues?: string[];
  skills?: Skills;
  priority?: number;
}

export interface HeldCall {
  queue: string;
  queues: string[];
  state: 'waiting' | 'offered';
  enqueuedAt: number;
  priority: number;
  skills: Skills;
  owner: string;
  agentId?: string;
  agents: string[];
  rule?: string;
  /** The current offer's number (while offered). */
  offerId?: number;
}

/** Where a removed call was, for the abandon statistics. */
export type RemovedCall =
  | { state: 'waiting'; queue: string; waitedMs: number; position: number }
  | { state: 'offered'; queue: string; waitedMs: number; agentId: string; agents: string[]; event?: AgentStateEvent; events?: AgentStateEvent[] };

/** An agent as Redis holds it: the state machine's state plus what the ACD matches on. */
export interface StoredAgent extends AgentState {
  agentId: string;
  skills: Skills;
  queues: string[];
  callsToday: number;
  idleSince?: number;
}
