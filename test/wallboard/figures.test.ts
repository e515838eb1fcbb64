import t from 'tap';
import { AcdEventBus, type AcdEvent } from '../../src/acd/acd-events.js';
import { AcdStore } from '../../src/acd/acd-store.js';
import type { StoredAgent } from '../../src/acd/types.js';
import { resolveQueue } from '../../src/routing/queue-defaults.js';
import { agentsNeeded } from '../../src/stats/erlang-c.js';
import { FiguresReader } from '../../src/wallboard/figures-reader.js';
import { FiguresRecorder } from '../../src/wallboard/figures-recorder.js';
import { WallboardKeys } from '../../src/wallboard/wallboard-keys.js';
import { createTestRedis } from '../helpers/redis.js';

const SUPPORT = resolveQueue({ name: 'support', serviceLevelSeconds: 20, wrapUpSeconds: 20, alerts: { waitingAbove: 5 } });

const agent = (agentId: string, status: StoredAgent['status'], queues = ['support']): StoredAgent => ({ agentId, status, since: 0, logoutPending: false, skills: {}, queues, callsToday: 0 });

t.test('Erlang C staffing: the textbook case and the edges', async (t) => {
  // 100 calls in 30 minutes, 3 minutes each, 80 % within 20 s: the classic answer is 14 agents.
  t.equal(agentsNeeded({ arrivalsPerSecond: 100 / 1800, handleSeconds: 180, thresholdSeconds: 20 }, 0.8), 14);
  t.equal(agentsNeeded({ arrivalsPerSecond: 0, handleSeconds: 180, thresholdSeconds: 20 }, 0.8), 0, 'no calls, nobody needed');
  t.equal(agentsNeeded({ arrivalsPerSecond: 12 / 900, handleSeconds: 120, thresholdSeconds: 20 }, 0.8), 4, '1.6 Erlangs: 3 agents give 78 %, 4 give 94 %');
});

t.test('a scripted day of one queue gives the documented figures', async (t) => {
  const { redis } = await createTestRedis(t);
  const store = new AcdStore(redis);
  const keys = new WallboardKeys(store.keys);
  const bus = new AcdEventBus((error) => t.fail(String(error)));
  const recorder = new FiguresRecorder({ redis, keys, timezone: 'Asia/Shanghai', thresholdSeconds: () => 20, onError: (error) => t.fail(String(error)) });
  recorder.subscribe(bus);
  const now = Date.now();
  const writes: Array<Promise<unknown>> = [];
  const emit = (event: AcdEvent) => {
    const written = recorder.record(event);
    if (written) writes.push(written);
  };

  // 10 calls that ended their wait: 8 answered (6 within 20 s, 20 s itself counting as within), 2 abandoned.
  const waits = [5, 10, 15, 18, 19, 20, 25, 40];
  for (let index = 0; index < 10; index++) emit({ type: 'call.queued', callId: `c${index}`, queue: 'support', position: 1, priority: 0, rule: 'r', at: now - 60_000 });
  waits.forEach((seconds, index) => emit({ type: 'call.answered', callId: `c${index}`, queue: 'support', agentId: 'a1', waitedMs: seconds * 1000, at: now - 50_000 }));
  emit({ type: 'call.abandoned', callId: 'c8', queue: 'support', stage: 'queue', waitedMs: 7000, at: now - 50_000 });
  emit({ type: 'call.abandoned', callId: 'c9', queue: 'support', stage: 'offered', waitedMs: 30_000, at: now - 50_000 });
  for (let index = 0; index < 8; index++) emit({ type: 'call.completed', callId: `c${index}`, queue: 'support', agentId: 'a1', talkMs: 100_000, wrapUpSeconds: 20, at: now - 40_000 });
  // Two callers still waiting, in the ACD itself: 30 s and 12 s.
  await store.enqueueCall({ callId: 'w1', queue: 'support', enqueuedAt: now - 30_000 });
  await store.enqueueCall({ callId: 'w2', queue: 'support', enqueuedAt: now - 12_000 });
  emit({ type: 'call.queued', callId: 'w1', queue: 'support', position: 1, priority: 0, rule: 'r', at: now - 30_000 });
  emit({ type: 'call.queued', callId: 'w2', queue: 'support', position: 2, priority: 0, rule: 'r', at: now - 12_000 });
  // Ignored by the figures: an estimate, an offer.
  emit({ type: 'call.estimate', callId: 'w1', queue: 'support', position: 1, estimateSeconds: 60, at: now });
  await Promise.all(writes);

  const reader = new FiguresReader(redis, keys, 'Asia/Shanghai');
  const roster = [agent('a1', 'on_call'), agent('a2', 'available'), agent('a3', 'paused'), agent('a4', 'wrap_up'), agent('a5', 'logged_out'), agent('b1', 'available', ['billing'])];
  const [figures] = await reader.read([SUPPORT], roster, now);
  t.match(figures, {
    queue: 'support',
    waiting: 2,
    longestWaitSeconds: 30,
    offered: 12,
    answered: 8,
    answeredWithinThreshold: 6,
    abandoned: 2,
    serviceLevelSeconds: 20,
    serviceLevelPercent: 60,
    asaSeconds: 19,
    ahtSeconds: 120,
    abandonRatePercent: 20,
    agents: { loggedIn: 4, available: 1, onCall: 1, wrapUp: 1, paused: 1, offered: 0 },
    staffing: { arrivalsPerHour: 48, handleSeconds: 120, agentsNeeded: 4, agentsStaffed: 3 },
    alerts: { serviceLevelTargetPercent: 80, waitingAbove: 5, longestWaitAboveSeconds: 20, abandonRateAbovePercent: 10 },
  });

  // The 30 s caller is answered: the longest wait is the 12 s one; one whose event was lost does not linger.
  await store.removeCall('w1');
  const [later] = await reader.read([SUPPORT], roster, now);
  t.equal(later!.longestWaitSeconds, 12, 'a caller gone from the ACD no longer counts, even without its event');

  const [empty] = await reader.read([resolveQueue({ name: 'quiet' })], [], now);
  t.match(empty, { offered: 0, serviceLevelPercent: null, asaSeconds: null, ahtSeconds: null, abandonRatePercent: null, longestWaitSeconds: 0, staffing: { agentsNeeded: 0 } }, 'a quiet queue has no rates, not zeros');
});
