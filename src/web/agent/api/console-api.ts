import { request } from './http.js';
import type {
  AgentStateEvent,
  CallView,
  ConsoleConfig,
  ConsultRequest,
  Customer,
  CustomerCreate,
  CustomerUpdate,
  RecentCall,
  TransferRequest,
  User,
  WrapUpRequest,
} from '../types.js';

/** The agent state actions of POST /api/agents/{id}/state (src/http/routes/acd.ts). */
export type AgentAction = 'login' | 'resume' | 'pause' | 'end_wrap_up' | 'logout';

/** Call-control routes may answer the call's new view; anything else (204, an acknowledgement) means "see the events". */
function asCallView(body: unknown): CallView | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { callId, state } = body as { callId?: unknown; state?: unknown };
  return typeof callId === 'string' && typeof state === 'string' ? (body as CallView) : undefined;
}

// Always a JSON body, even empty: Fastify refuses an empty body sent as application/json.
const call = async (path: string, body: unknown = {}): Promise<CallView | undefined> => asCallView(await request<unknown>('POST', `/api/console/call/${path}`, body));

/** Every REST call the console makes, typed by the server's own schemas. */
export const api = {
  me: () => request<User>('GET', '/api/auth/me', undefined, { allowUnauthorized: true }),
  login: (username: string, password: string) => request<User>('POST', '/api/auth/login', { username, password }, { allowUnauthorized: true }),
  logout: () => request<undefined>('POST', '/api/auth/logout', undefined, { allowUnauthorized: true }),

  agentState: (agentId: string, action: AgentAction, reason?: string) =>
    request<AgentStateEvent>('POST', `/api/agents/${encodeURIComponent(agentId)}/state`, reason === undefined ? { action } : { action, reason }),

  config: () => request<ConsoleConfig>('GET', '/api/console/config'),
  recentCalls: () => request<RecentCall[]>('GET', '/api/console/recent-calls'),

  hold: () => call('hold'),
  resume: () => call('resume'),
  hangup: () => call('hangup'),
  transfer: (body: TransferRequest) => call('transfer', body),
  consult: (body: ConsultRequest) => call('consult', body),
  consultComplete: () => call('consult/complete'),
  consultCancel: () => call('consult/cancel'),
  pick: (customerId: number) => call('pick', { customerId }),
  attributes: (attributes: Record<string, string | number | boolean>) => call('attributes', { attributes }),
  note: (text: string) => call('notes', { text }),
  wrapUp: (body: WrapUpRequest) => request<unknown>('POST', '/api/console/wrap-up', body),
  followUp: (body: { customerId?: number; number?: string; at: string; note: string; to: 'me' | 'queue'; queue?: string }) =>
    request<unknown>('POST', '/api/console/follow-ups', body),

  createCustomer: (body: CustomerCreate) => request<Customer>('POST', '/api/customers', body),
  updateCustomer: (id: number, body: CustomerUpdate) => request<Customer>('PATCH', `/api/customers/${id}`, body),
};
