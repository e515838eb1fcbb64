/**
 * The server's contract as the console sees it. Type-only imports: the schemas stay on the server,
 * nothing of them is bundled, and a change there breaks this build instead of the page at run time.
 */
import type { Static } from 'typebox';
import type { AgentStateView, ClientMessage, ServerMessage, SessionUserView } from '../../realtime/messages.js';
import type { ScreenPop } from '../../screenpop/pop-message.js';
import type { CallView, ConsoleConfig, ConsultRequest, RecentCall, TransferRequest, TransferTarget, WrapUpRequest } from '../../console/schemas.js';
import type { Customer, CustomerCreate, CustomerUpdate, PopCandidate } from '../../customers/schemas.js';
import type { User } from '../../users/schemas.js';
import type { ErrorBody } from '../../http/errors.js';
import type { AgentStatus } from '../../agents/agent-state.js';

export type { AgentStateView, AgentStatus, CallView, ClientMessage, ConsoleConfig, ConsultRequest, Customer, CustomerCreate, CustomerUpdate, PopCandidate, RecentCall, ScreenPop, SessionUserView, TransferRequest, TransferTarget, User, WrapUpRequest };

export type ApiErrorBody = Static<typeof ErrorBody>;

type Announced = { type: 'call.update'; call: CallView };
type Declared = Extract<ServerMessage, { type: 'call.update' }>;
/** `call.update` is being added to ServerMessage; until it is declared there, the shape announced for it. */
export type CallUpdateMessage = [Declared] extends [never] ? Announced : Declared;

export type ConsoleMessage = ServerMessage | CallUpdateMessage;
export type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;
export type AgentStateMessage = Extract<ServerMessage, { type: 'agent.state' }>;

/** What POST /api/agents/{id}/state answers: the same fields as the `agent.state` message. */
export type AgentStateEvent = Omit<AgentStateMessage, 'type'>;

export type Interaction = PopCandidate['recentInteractions'][number];
export type Ticket = PopCandidate['openTickets'][number];
export type Order = PopCandidate['recentOrders'][number];
export type IvrStep = ScreenPop['ivr']['path'][number];
