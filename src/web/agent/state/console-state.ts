import type { AgentStateEvent, AgentStateView, AgentStatus, CallView, ConsoleMessage, Customer, PopCandidate, ScreenPop, SessionUserView, SnapshotMessage } from '../types.js';

/** Everything the console knows about the call in front of the agent (ringing, talking or in wrap-up). */
export interface CallContext {
  callId: string;
  pop: ScreenPop | null;
  view: CallView;
  /** The candidate the agent picked (several matches) or created (no match). */
  pickedCustomerId: number | null;
  /** Customers as the agent saved or created them during this call: newer than the pop's copy. */
  customers: Record<number, Customer>;
  notes: Array<{ text: string; at: number }>;
  /** Attributes the agent set during the call (the IVR's are on the pop). */
  attributes: Record<string, string | number | boolean>;
}

export interface ConsoleState {
  user: SessionUserView | null;
  agent: AgentStateView;
  /** A snapshot has arrived: the state shown is the server's, not a guess. */
  synced: boolean;
  /** Server clock minus this browser's: times in state are counted on the server's clock. */
  clockOffsetMs: number;
  call: CallContext | null;
}

export type ConsoleAction =
  | { type: 'message'; message: ConsoleMessage; receivedAt: number }
  | { type: 'agentEvent'; event: AgentStateEvent }
  | { type: 'callView'; view: CallView }
  | { type: 'picked'; customerId: number }
  | { type: 'customer'; customer: Customer; pick?: boolean }
  | { type: 'noted'; text: string; at: number }
  | { type: 'attributes'; attributes: Record<string, string | number | boolean> };

const CALL_STATES: readonly AgentStatus[] = ['offered', 'on_call', 'wrap_up'];

export const loggedOutAgent = (agentId: string): AgentStateView => ({ agentId, status: 'logged_out', since: 0, logoutPending: false });

export function initialState(user: SessionUserView | null = null): ConsoleState {
  return { user, agent: loggedOutAgent(user?.userId ?? ''), synced: false, clockOffsetMs: 0, call: null };
}

function newCall(callId: string, view: CallView, pop: ScreenPop | null = null): CallContext {
  return { callId, pop, view, pickedCustomerId: null, customers: {}, notes: [], attributes: {} };
}

const viewFor = (callId: string, status: AgentStatus, since: number): CallView => ({
  callId,
  state: status === 'offered' ? 'ringing' : status === 'on_call' ? 'talking' : 'ended',
  since,
  answeredAt: status === 'on_call' ? since : null,
  consult: null,
});

/** The context for `callId`: the current one if it is that call, else a fresh one. */
function callFor(state: ConsoleState, callId: string, view: () => CallView): CallContext {
  return state.call?.callId === callId ? state.call : newCall(callId, view());
}

function applySnapshot(state: ConsoleState, snapshot: SnapshotMessage, receivedAt: number): ConsoleState {
  const agent = snapshot.agent ?? loggedOutAgent(snapshot.user.userId);
  const next: ConsoleState = { ...state, user: snapshot.user, agent, synced: true, clockOffsetMs: snapshot.serverTime - receivedAt };
  const callId = CALL_STATES.includes(agent.status) ? agent.callId : undefined;
  if (callId === undefined) return { ...next, call: null };
  let call = callFor(state, callId, () => viewFor(callId, agent.status, agent.since));
  // The snapshot may carry the call's view once the server sends call.update; until then it is derived.
  const pushed = (snapshot as { call?: CallView | null }).call;
  if (pushed && pushed.callId === callId) call = { ...call, view: pushed };
  else if (call.view.state === 'ringing' && agent.status !== 'offered') call = { ...call, view: viewFor(callId, agent.status, agent.since) };
  if (snapshot.pop && snapshot.pop.callId === callId) call = { ...call, pop: snapshot.pop };
  return { ...next, call };
}

function applyPop(state: ConsoleState, pop: ScreenPop): ConsoleState {
  if (state.user && pop.agentId !== state.user.userId) return state;
  const call = callFor(state, pop.callId, () => viewFor(pop.callId, 'offered', pop.offeredAt));
  return { ...state, call: { ...call, pop } };
}

function applyAgentEvent(state: ConsoleState, event: AgentStateEvent): ConsoleState {
  if (event.agentId !== state.agent.agentId && state.agent.agentId !== '') return state;
  // A logout asked during a call changes nothing yet but the flag (from = to, reason logout_pending).
  if (event.from === event.to && event.reason === 'logout_pending') return { ...state, agent: { ...state.agent, logoutPending: true } };
  if (event.to === state.agent.status && event.at <= state.agent.since) return state;
  const agent: AgentStateView = {
    agentId: event.agentId,
    status: event.to,
    since: event.at,
    logoutPending: event.to === 'logged_out' ? false : state.agent.logoutPending,
    ...(event.to === 'paused' && event.reason !== undefined ? { reason: event.reason } : {}),
    // The server lost the agent's state (src/agents/agent-state.ts, STATE_LOST): the idle card says why they are out.
    ...(event.to === 'logged_out' && event.reason === 'state_lost' ? { reason: event.reason } : {}),
    ...(CALL_STATES.includes(event.to) && event.callId !== undefined ? { callId: event.callId } : {}),
  };
  if (!CALL_STATES.includes(event.to) || event.callId === undefined) return { ...state, agent, call: null };
  const callId = event.callId;
  let call = callFor(state, callId, () => viewFor(callId, event.to, event.at));
  if (event.to === 'on_call' && call.view.state === 'ringing') call = { ...call, view: viewFor(callId, 'on_call', event.at) };
  if (event.to === 'wrap_up') call = { ...call, view: { ...call.view, state: 'ended', since: event.at, consult: null } };
  return { ...state, agent, call };
}

function applyMessage(state: ConsoleState, message: ConsoleMessage, receivedAt: number): ConsoleState {
  switch (message.type) {
    case 'snapshot':
      return applySnapshot(state, message, receivedAt);
    case 'pop':
      return applyPop(state, message.pop);
    case 'agent.state':
      return applyAgentEvent(state, message);
    case 'call.update':
      return applyCallView(state, message.call);
    case 'pong':
      return { ...state, clockOffsetMs: message.serverTime - receivedAt };
    default:
      return state;
  }
}

function applyCallView(state: ConsoleState, view: CallView): ConsoleState {
  const call = callFor(state, view.callId, () => view);
  return { ...state, call: { ...call, view } };
}

function withCall(state: ConsoleState, change: (call: CallContext) => CallContext): ConsoleState {
  return state.call ? { ...state, call: change(state.call) } : state;
}

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'message':
      return applyMessage(state, action.message, action.receivedAt);
    case 'agentEvent':
      return applyAgentEvent(state, action.event);
    case 'callView':
      return applyCallView(state, action.view);
    case 'picked':
      return withCall(state, (call) => ({ ...call, pickedCustomerId: action.customerId }));
    case 'customer':
      return withCall(state, (call) => ({
        ...call,
        customers: { ...call.customers, [action.customer.id]: action.customer },
        pickedCustomerId: action.pick ? action.customer.id : call.pickedCustomerId,
      }));
    case 'noted':
      return withCall(state, (call) => ({ ...call, notes: [...call.notes, { text: action.text, at: action.at }] }));
    case 'attributes':
      return withCall(state, (call) => ({ ...call, attributes: { ...call.attributes, ...action.attributes } }));
  }
}

/**
 * The customer on this call: the one match, the picked candidate, or the one created; with the
 * history from the pop, and the agent's own edits over the pop's copy.
 */
export function currentCustomer(call: CallContext | null): PopCandidate | null {
  if (!call) return null;
  const candidates = call.pop?.candidates ?? [];
  const id = call.pickedCustomerId ?? (call.pop?.match === 'one' ? candidates[0]?.customer.id : undefined);
  if (id === undefined) return null;
  const candidate = candidates.find((entry) => entry.customer.id === id);
  const customer = call.customers[id] ?? candidate?.customer;
  if (!customer) return null;
  return candidate ? { ...candidate, customer } : { customer, matchedLabel: '', openTickets: [], recentInteractions: [], recentOrders: [], callbacks: [] };
}

/** What the header says: the agent's status, refined by the call (held, consulting). */
export type DisplayState = AgentStatus | 'held' | 'consulting';

export function displayState(state: ConsoleState): DisplayState {
  const { status } = state.agent;
  if (status === 'on_call' && state.call) {
    if (state.call.view.state === 'held') return 'held';
    if (state.call.view.state === 'consulting') return 'consulting';
  }
  return status;
}
