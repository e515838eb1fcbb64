import t from 'tap';
import {
  ACTION_FROM,
  AGENT_STATUSES,
  applyAgentAction,
  loggedOut,
  type AgentAction,
  type AgentState,
  type AgentStatus,
} from '../../src/agents/agent-state.js';
import { RingsideError } from '../../src/errors.js';
import { AcdStore } from '../../src/acd/acd-store.js';
import { createTestRedis } from '../helpers/redis.js';

const NOW = 1_700_000_000_000;
const CALL = 'call-1';

/** One sample of every action, with its argument. */
const ACTIONS: AgentAction[] = [
  { type: 'login' },
  { type: 'pause', reason: 'lunch' },
  { type: 'resume' },
  { type: 'offer', callId: CALL },
  { type: 'answer' },
  { type: 'miss' },
  { type: 'withdraw', callId: CALL },
  { type: 'caller_abandoned' },
  { type: 'hang_up', until: NOW + 30_000 },
  { type: 'end_wrap_up' },
  { type: 'logout' },
];

/** A legal way to reach each state from logged out. */
const PATH: Record<AgentStatus, AgentAction[]> = {
  logged_out: [],
  available: [{ type: 'login' }],
  paused: [{ type: 'login' }, { type: 'pause', reason: 'break' }],
  offered: [{ type: 'login' }, { type: 'offer', callId: CALL }],
  on_call: [{ type: 'login' }, { type: 'offer', callId: CALL }, { type: 'answer' }],
  wrap_up: [{ type: 'login' }, { type: 'offer', callId: CALL }, { type: 'answer' }, { type: 'hang_up', until: NOW + 1 }],
};

/** Every state, plus the call states again with a logout pending. */
const STARTS = [
  ...AGENT_STATUSES.map((status) => ({ status, pending: false })),
  ...(['offered', 'on_call', 'wrap_up'] as const).map((status) => ({ status, pending: true })),
];

function runTs(actions: AgentAction[]): AgentState {
  return actions.reduce((state, action) => applyAgentAction('a', state, action, NOW).state, loggedOut());
}

t.test('the TypeScript machine: every legal transition and every illegal one', async (t) => {
  const expected: Record<string, AgentStatus | 'illegal'> = {
    'logged_out login': 'available',
    'available pause': 'paused',
    'available offer': 'offered',
    'available logout': 'logged_out',
    'paused resume': 'available',
    'paused logout': 'logged_out',
    'offered answer': 'on_call',
    'offered miss': 'paused',
    'offered withdraw': 'available',
    'offered caller_abandoned': 'available',
    'offered logout': 'offered',
    'on_call hang_up': 'wrap_up',
    'on_call logout': 'on_call',
    'wrap_up end_wrap_up': 'available',
    'wrap_up logout': 'wrap_up',
  };
  for (const from of AGENT_STATUSES) {
    for (const action of ACTIONS) {
      const name = `${from} ${action.type}`;
      const start = runTs(PATH[from]);
      const want = expected[name] ?? 'illegal';
      if (want === 'illegal') {
        t.throws(() => applyAgentAction('a', start, action, NOW), { code: 'illegal_transition', details: { from } }, name);
      } else {
        t.equal(applyAgentAction('a', start, action, NOW).state.status, want, name);
      }
    }
  }
  t.same(Object.keys(ACTION_FROM).sort(), ACTIONS.map((a) => a.type).sort(), 'every action is in the table');
});

t.test('a missed offer pauses with reason missed; a logout asked during a call applies after it', async (t) => {
  const offered = runTs(PATH.offered);
  const missed = applyAgentAction('a', offered, { type: 'miss' }, NOW);
  t.same(missed.event, { agentId: 'a', from: 'offered', to: 'paused', reason: 'missed', callId: CALL, at: NOW });

  const pending = applyAgentAction('a', runTs(PATH.on_call), { type: 'logout' }, NOW);
  t.equal(pending.state.status, 'on_call');
  t.equal(pending.state.logoutPending, true);
  t.equal(pending.event.reason, 'logout_pending');
  const wrap = applyAgentAction('a', pending.state, { type: 'hang_up', until: NOW + 5 }, NOW);
  t.equal(wrap.state.status, 'wrap_up', 'wrap-up still happens');
  const out = applyAgentAction('a', wrap.state, { type: 'end_wrap_up' }, NOW);
  t.same(out.event, { agentId: 'a', from: 'wrap_up', to: 'logged_out', reason: 'logout', callId: CALL, at: NOW });
  t.equal(out.state.logoutPending, false);
});

t.test('Redis applies exactly the same table, atomically refusing what TypeScript refuses', async (t) => {
  const { redis } = await createTestRedis(t);
  const store = new AcdStore(redis, { now: () => NOW });
  let n = 0;

  /** Drives one action through the store, as the ACD would. */
  async function viaRedis(agentId: string, queue: string, action: AgentAction): Promise<unknown> {
    switch (action.type) {
      case 'login':
        return store.agentLogin({ agentId, skills: {}, queues: [queue] });
      case 'offer': {
        const assignment = await store.assignForAgent(agentId);
        if (!assignment) throw new RingsideError('illegal_transition', 'not offered', 409);
        return assignment.event;
      }
      case 'pause':
        return store.agentAction(agentId, 'pause', action.reason);
      case 'hang_up':
        return store.agentAction(agentId, 'hang_up', String(action.until));
      case 'withdraw':
        return store.agentAction(agentId, 'withdraw', action.callId);
      default:
        return store.agentAction(agentId, action.type);
    }
  }

  for (const start of STARTS) {
    for (const action of ACTIONS) {
      n += 1;
      const agentId = `agent-${n}`;
      const queue = `queue-${n}`;
      const name = `${start.status}${start.pending ? ' (logout pending)' : ''} + ${action.type}`;
      // Each case has its own queue and a call waiting there, so an offer has something to offer.
      await store.enqueueCall({ callId: CALL + `-${n}`, queue, enqueuedAt: NOW });
      const path = [...PATH[start.status], ...(start.pending ? [{ type: 'logout' } as const] : [])];
      for (const step of path) await viaRedis(agentId, queue, step);

      const callId = `${CALL}-${n}`;
      const rename = (a: AgentAction): AgentAction => (a.type === 'offer' || a.type === 'withdraw' ? { ...a, callId } : a);
      const tsStart = runTs(path.map(rename));
      let tsResult: ReturnType<typeof applyAgentAction> | { error: string } | undefined;
      try {
        tsResult = applyAgentAction(agentId, tsStart, rename(action), NOW);
      } catch (err) {
        tsResult = { error: (err as RingsideError).code };
      }
      let redisEvent: unknown;
      try {
        redisEvent = await viaRedis(agentId, queue, rename(action));
      } catch (err) {
        redisEvent = { error: (err as RingsideError).code };
      }
      const stored = await store.getAgent(agentId);
      if ('error' in tsResult) {
        t.same(redisEvent, tsResult, `${name}: refused by both`);
        t.equal(stored?.status ?? 'logged_out', tsStart.status, `${name}: Redis state unchanged`);
      } else {
        t.same(redisEvent, tsResult.event, `${name}: same event`);
        t.same(
          { status: stored?.status, reason: stored?.reason, callId: stored?.callId, until: stored?.until, pending: stored?.logoutPending },
          { status: tsResult.state.status, reason: tsResult.state.reason, callId: tsResult.state.callId, until: tsResult.state.until, pending: tsResult.state.logoutPending },
          `${name}: same state`,
        );
      }
    }
  }
});
