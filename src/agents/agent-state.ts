import { RingsideError } from '../errors.js';

/**
 * The agent state machine, as pure code. The same rules run inside Redis
 * (src/acd/lua/includes/agent.lua) so that two Ringside nodes cannot race an
 * agent into an illegal state; test/acd/agent-state.test.ts runs every
 * (state, action) pair through both and requires the same answer.
 */
export const AGENT_STATUSES = ['logged_out', 'available', 'paused', 'offered', 'on_call', 'wrap_up'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export type AgentAction =
  | { type: 'login' }
  | { type: 'pause'; reason: string }
  | { type: 'resume' }
  | { type: 'offer'; callId: string }
  | { type: 'answer' }
  | { type: 'miss' }
  /** Ring-all: another agent answered, or nobody did; back to available, not paused. */
  | { type: 'withdraw'; callId: string }
  | { type: 'caller_abandoned' }
  | { type: 'hang_up'; until: number }
  | { type: 'end_wrap_up' }
  | { type: 'logout' };

export type AgentActionType = AgentAction['type'];

export interface AgentState {
  status: AgentStatus;
  /** Epoch ms of the last change of status. */
  since: number;
  /** Pause reason (`missed` after an unanswered offer). */
  reason?: string;
  /** The call being offered, talked or wrapped up. */
  callId?: string;
  /** Epoch ms when wrap-up ends on its own. */
  until?: number;
  /** Logout asked during a call: applied when the call is over. */
  logoutPending: boolean;
}

/**
 * The reason of a `logged_out` the system tells an agent's console when Redis lost the agent's state: they
 * must log in again (the console says why). The console compares the same text.
 */
export const STATE_LOST = 'state_lost';

/** Emitted for every accepted action, for the wallboard and the agent console. */
export interface AgentStateEvent {
  agentId: string;
  from: AgentStatus;
  to: AgentStatus;
  reason?: string;
  callId?: string;
  at: number;
}

/** Where each action leads, and from which states it is legal. */
export const ACTION_TARGET: Record<AgentActionType, AgentStatus> = {
  login: 'available',
  pause: 'paused',
  resume: 'available',
  offer: 'offered',
  answer: 'on_call',
  miss: 'paused',
  withdraw: 'available',
  caller_abandoned: 'available',
  hang_up: 'wrap_up',
  end_wrap_up: 'available',
  logout: 'logged_out',
};

export const ACTION_FROM: Record<AgentActionType, readonly AgentStatus[]> = {
  login: ['logged_out'],
  pause: ['available'],
  resume: ['paused'],
  offer: ['available'],
  answer: ['offered'],
  miss: ['offered'],
  withdraw: ['offered'],
  caller_abandoned: ['offered'],
  hang_up: ['on_call'],
  end_wrap_up: ['wrap_up'],
  logout: ['available', 'paused', 'offered', 'on_call', 'wrap_up'],
};

/** States that belong to a call: a logout asked there waits for the call to end. */
const IN_CALL: readonly AgentStatus[] = ['offered', 'on_call', 'wrap_up'];

export function illegalTransition(agentId: string, from: AgentStatus, action: AgentActionType): RingsideError {
  const to = ACTION_TARGET[action];
  return new RingsideError('illegal_transition', `agent ${agentId} cannot go from ${from} to ${to} (${action})`, 409, {
    agentId,
    from,
    to,
    action,
  });
}

export const loggedOut = (since = 0): AgentState => ({ status: 'logged_out', since, logoutPending: false });

/** Applies one action, or throws `illegal_transition` leaving nothing changed. */
export function applyAgentAction(
  agentId: string,
  state: AgentState,
  action: AgentAction,
  at: number,
): { state: AgentState; event: AgentStateEvent } {
  const from = state.status;
  if (!ACTION_FROM[action.type].includes(from)) throw illegalTransition(agentId, from, action.type);

  if (action.type === 'logout' && IN_CALL.includes(from)) {
    const event = withOptional({ agentId, from, to: from, at }, 'logout_pending', state.callId);
    return { state: { ...state, logoutPending: true }, event };
  }

  let to = ACTION_TARGET[action.type];
  const reasons: Partial<Record<AgentActionType, string>> = { miss: 'missed', withdraw: 'withdrawn', logout: 'logout' };
  let reason = action.type === 'pause' ? action.reason : reasons[action.type];
  // Leaving a call with a logout pending: the logout happens now instead of the next state.
  if (state.logoutPending && (to === 'available' || to === 'paused')) {
    to = 'logged_out';
    reason = 'logout';
  }
  const callId = action.type === 'offer' ? action.callId : state.callId;
  const next: AgentState = { status: to, since: at, logoutPending: to === 'logged_out' ? false : state.logoutPending };
  if (to === 'paused' && reason !== undefined) next.reason = reason;
  if ((to === 'offered' || to === 'on_call' || to === 'wrap_up') && callId !== undefined) next.callId = callId;
  if (action.type === 'hang_up') next.until = action.until;
  return { state: next, event: withOptional({ agentId, from, to, at }, reason, callId) };
}

function withOptional(event: AgentStateEvent, reason: string | undefined, callId: string | undefined): AgentStateEvent {
  if (reason !== undefined) event.reason = reason;
  if (callId !== undefined) event.callId = callId;
  return event;
}
