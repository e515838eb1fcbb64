import t from 'tap';
import { consoleReducer, currentCustomer, displayState, initialState, type ConsoleState } from '../../src/web/agent/state/console-state.js';
import type { ConsoleMessage, Customer, PopCandidate, ScreenPop } from '../../src/web/agent/types.js';

const user = { userId: '7', username: 'ann', displayName: 'Ann', role: 'agent' as const };

const customer = (id: number, name: string): Customer => ({
  id, name, externalId: null, company: null, tier: 'gold', segment: null, lifetimeValue: 0, preferredLanguage: 'en', doNotCall: false, birthday: null, notes: '', phones: [], createdAt: '', updatedAt: '',
});
const candidate = (id: number, name: string): PopCandidate => ({ customer: customer(id, name), matchedLabel: 'mobile', openTickets: [], recentInteractions: [], recentOrders: [], callbacks: [] });

const pop = (callId: string, candidates: PopCandidate[]): ScreenPop => ({
  popId: `${callId}:1`, callId, offerId: 1, agentId: '7', offeredAt: 1000,
  caller: { number: '+8613800138000', e164: '+8613800138000', kind: 'valid', name: '' },
  dialledNumber: '800', queue: 'support', priority: 0, waitedMs: 0, ivr: { flow: null, path: [], attributes: {} },
  repeat: { callsToday: 0, callsLast24h: 0, lastCallAt: null, lastCallOutcome: null, lastCallAbandoned: false },
  match: candidates.length === 0 ? 'none' : candidates.length === 1 ? 'one' : 'several', matchedBy: 'caller-id', candidates, transfer: null, crm: 'ok',
});

const apply = (state: ConsoleState, ...messages: ConsoleMessage[]) => messages.reduce((next, message) => consoleReducer(next, { type: 'message', message, receivedAt: 5000 }), state);
const stateMessage = (from: string, to: string, at: number, extra: Record<string, string> = {}) => ({ type: 'agent.state', agentId: '7', from, to, at, ...extra }) as ConsoleMessage;

t.test('a call from ringing to wrap-up, then free again', async (t) => {
  let state = apply(initialState(user), { type: 'snapshot', serverTime: 6000, user, agent: { agentId: '7', status: 'available', since: 10, logoutPending: false }, pop: null });
  t.equal(state.clockOffsetMs, 1000, 'the server clock is 1 s ahead');
  t.equal(state.call, null);
  state = apply(state, { type: 'pop', pop: pop('c1', [candidate(1, 'Li Wei')]) }, stateMessage('available', 'offered', 1001, { callId: 'c1' }));
  t.match(state.call, { callId: 'c1', view: { state: 'ringing' } });
  t.equal(currentCustomer(state.call)?.customer.name, 'Li Wei', 'one match is the customer');
  t.equal(displayState(state), 'offered');
  state = apply(state, stateMessage('offered', 'on_call', 2000, { callId: 'c1' }));
  t.match(state.call?.view, { state: 'talking', answeredAt: 2000 });
  state = apply(state, { type: 'call.update', call: { callId: 'c1', state: 'held', since: 2500, answeredAt: 2000, consult: null } });
  t.equal(displayState(state), 'held');
  state = apply(state, stateMessage('on_call', 'wrap_up', 3000, { callId: 'c1' }));
  t.match(state.call, { callId: 'c1', view: { state: 'ended' }, pop: { popId: 'c1:1' } }, 'the pop stays for the wrap-up');
  state = apply(state, stateMessage('wrap_up', 'available', 4000));
  t.equal(state.call, null, 'free again: nothing of the call is left');
});

t.test('a reconnection while ringing brings the pop back; a duplicate event changes nothing', async (t) => {
  const ringing = pop('c2', [candidate(1, 'Zhang Min'), candidate(2, 'Zhang Hua')]);
  let state = apply(initialState(user), { type: 'snapshot', serverTime: 5000, user, agent: { agentId: '7', status: 'offered', since: 900, callId: 'c2', logoutPending: false }, pop: ringing });
  t.match(state.call, { callId: 'c2', pop: { popId: 'c2:1' }, view: { state: 'ringing' } });
  t.equal(currentCustomer(state.call), null, 'several matches: nobody until the agent picks');
  state = consoleReducer(state, { type: 'picked', customerId: 2 });
  t.equal(currentCustomer(state.call)?.customer.name, 'Zhang Hua');
  state = consoleReducer(state, { type: 'customer', customer: { ...customer(2, 'Zhang Hua'), company: 'Blue River' } });
  t.equal(currentCustomer(state.call)?.customer.company, 'Blue River', 'the agent\'s edit wins over the pop\'s copy');
  const again = consoleReducer(state, { type: 'agentEvent', event: { agentId: '7', from: 'available', to: 'offered', at: 900, callId: 'c2' } });
  t.equal(again, state, 'the REST answer and the same event over the socket apply once');
  const pending = apply(state, stateMessage('offered', 'offered', 950, { reason: 'logout_pending', callId: 'c2' }));
  t.equal(pending.agent.logoutPending, true);
  t.equal(pending.agent.since, 900, 'a pending logout does not restart the time in state');
});

t.test('a pop for another agent is ignored', async (t) => {
  const state = apply(initialState(user), { type: 'pop', pop: { ...pop('c3', []), agentId: '8' } });
  t.equal(state.call, null);
});

t.test('the server lost the agent\'s state: logged out, with the reason kept for the idle card until they log in', async (t) => {
  let state = apply(initialState(user), { type: 'snapshot', serverTime: 5000, user, agent: { agentId: '7', status: 'available', since: 10, logoutPending: false }, pop: null });
  state = apply(state, stateMessage('logged_out', 'logged_out', 3000, { reason: 'state_lost' }));
  t.match(state.agent, { status: 'logged_out', reason: 'state_lost', since: 3000 });
  state = apply(state, stateMessage('logged_out', 'available', 3500));
  t.match(state.agent, { status: 'available' });
  t.notOk('reason' in state.agent, 'logging in again clears it');
  const plainLogout = apply(state, stateMessage('available', 'logged_out', 4000, { reason: 'logout' }));
  t.notOk('reason' in plainLogout.agent, 'an ordinary logout carries no reason to show');
});
