import { Redis } from 'ioredis';
import type { Test } from 'tap';
import t from 'tap';
import { auditCalls } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import { agentChannel, type AgentDelivery } from '../../src/realtime/channels.js';
import { QUEUE, SHORT_TALK, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite, type AcdSite } from '../helpers/acd-site.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { startRingside, type RingsideProcess } from '../helpers/ringside-process.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from '../helpers/telephony.js';

const TALKING = 3;
const WAITING = 8;
/** Agent TALKING + 1 is paused while the calls come: at the fault they have a state and no call. */
const PAUSED_AGENT = TALKING;

interface Floor {
  site: AcdSite;
  redis: PrivateRedis;
  node: RingsideProcess;
  talking: string[];
  waiting: string[];
  since: Date;
}

/** One node on a Redis of the test's own: three agents talking, one paused, eight callers waiting in order. */
async function busyFloor(t: Test, persistence: 'aof' | 'none'): Promise<Floor> {
  const since = new Date();
  const redis = await startPrivateRedis(t, { persistence });
  const site = await startAcdSite(t, { agents: TALKING + 1, phone: TALKS_UNTIL_HUNG_UP, apps: ['ringside'], redisUrl: redis.url });
  const { control } = site.simulator;
  const node = await startRingside(t, { env: site.env({ app: 'ringside', nodeId: 'node-1' }), simulator: site.simulator });
  await site.loginAll();
  await site.store.agentPause(site.agents[PAUSED_AGENT]!.agentId, 'break');
  const talking: string[] = [];
  for (let i = 0; i < TALKING; i++) talking.push((await control.placeCall({ from: `+1415555${1000 + i}`, to: '800' })).channelId);
  await eventually(async () => (await Promise.all(site.agents.slice(0, TALKING).map(({ agentId }) => site.store.getAgent(agentId)))).every((agent) => agent?.status === 'on_call'), 20_000, 'every agent on call');
  const waiting: string[] = [];
  for (let i = 0; i < WAITING; i++) waiting.push(await site.placeQueuedCall(`+1415555${2000 + i}`));
  t.same(await site.store.waitingCalls(QUEUE), waiting, 'the callers wait in arrival order');
  // What the interaction rows say is what a restart with an empty Redis rebuilds from.
  await eventually(async () => {
    const { rows } = await site.db.pool.query<{ routed: number; answered: number }>(
      `SELECT count(*) FILTER (WHERE attributes ? 'routing')::int AS routed, count(answered_at)::int AS answered FROM interactions`,
    );
    return rows[0]?.routed === TALKING + WAITING && rows[0]?.answered === TALKING;
  }, 10_000, 'every interaction routed and the conversations answered');
  return { site, redis, node, talking, waiting, since };
}

/** The agents finish their calls and take the waiting ones; every call ends answered, the waiting in their order. */
async function drain(t: Test, floor: Floor, node: RingsideProcess): Promise<void> {
  const { site, talking, waiting } = floor;
  const { control } = site.simulator;
  const bridged = (callId: string) => Boolean(control.callState(callId)?.bridgeId) && !control.callState(callId)?.ended;
  t.ok(talking.every(bridged), 'the conversations went on through the fault');
  for (const { endpoint } of site.agents) control.setEndpoint(endpoint, SHORT_TALK);
  for (const { endpoint } of site.agents.slice(0, TALKING)) await control.hangupEndpoint(endpoint);
  const rows = await site.closedInteractions(TALKING + WAITING, 60_000);
  t.same(
    rows.filter((row) => row.outcome !== 'answered').map((row) => `${row.call_id}: ${row.outcome} ${row.outcome_detail}`),
    [],
    'every call was answered',
  );
  const offered = site.events.flatMap((event) => (event.type === 'call.offered' && waiting.includes(event.callId) ? [event.callId] : []));
  t.same(offered, waiting, 'the waiting callers were offered once each, in order of arrival');
  const audit = await auditCalls(site.db.pool, {
    since: floor.since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: site.simulator.url, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: { pending: 0, refused: 0 },
  });
  t.match(audit, { inbound: { arrived: TALKING + WAITING, accounted: TALKING + WAITING }, unaccountedCount: 0, anomalies: [], holds: true }, 'the accounting identity holds');
  t.same(node.errors(), [], 'the node logged no error');
}

/** Agent-feed messages from any node to any console, as they pass through Redis. */
async function listenToConsoles(t: Test, floor: Floor): Promise<AgentDelivery[]> {
  const deliveries: AgentDelivery[] = [];
  const subscriber = new Redis(floor.redis.url);
  subscriber.on('error', () => undefined);
  t.teardown(() => subscriber.disconnect());
  subscriber.on('message', (_channel: string, text: string) => deliveries.push(JSON.parse(text) as AgentDelivery));
  await subscriber.subscribe(agentChannel(floor.site.prefix));
  return deliveries;
}

const statusOf = async (site: AcdSite, index: number) => (await site.store.getAgent(site.agents[index]!.agentId))?.status ?? 'logged_out';

t.test('Redis with AOF killed and restarted: the ACD state comes back as it was', async (t) => {
  const floor = await busyFloor(t, 'aof');
  const { site, redis, node } = floor;
  await redis.kill();
  await redis.start();
  // Two heartbeats: a node that thought the state lost would have said so by now.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  t.equal(node.count(/Redis lost the ACD state/), 0, 'the node saw the same state again');
  t.same(await site.store.waitingCalls(QUEUE), floor.waiting, 'every caller is still at their place');
  t.same(await Promise.all(site.agents.map((_, index) => statusOf(site, index))), ['on_call', 'on_call', 'on_call', 'paused'], 'every agent kept their state');
  await drain(t, floor, node);
});

t.test('Redis restarted empty under a running node: callers back at their places, talking agents on their calls, the others asked to log in again', async (t) => {
  const floor = await busyFloor(t, 'none');
  const { site, redis, node } = floor;
  const deliveries = await listenToConsoles(t, floor);
  await redis.kill();
  await redis.start();
  await node.waitForLog(/ACD state put back/, 1, 20_000);
  t.same(await site.store.waitingCalls(QUEUE), floor.waiting, 'the node put every caller back in line, in their order');
  t.same(await Promise.all(site.agents.map((_, index) => statusOf(site, index))), ['on_call', 'on_call', 'on_call', 'logged_out'], 'the talking agents are on their calls again; the paused one has no state');
  const paused = site.agents[PAUSED_AGENT]!.agentId;
  await waitUntil(() => deliveries.some((delivery) => delivery.agentId === paused && delivery.message.type === 'agent.state' && delivery.message.reason === 'state_lost'), 10_000, 'the paused agent\'s console to be told');
  t.notOk(deliveries.some((delivery) => delivery.agentId !== paused && delivery.message.type === 'agent.state' && delivery.message.reason === 'state_lost'), 'agents on their calls are not asked to log in');
  // The paused agent logs in again as their console would.
  await site.store.agentLogin({ agentId: paused, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  await drain(t, floor, node);
});

t.test('Ringside killed and Redis restarted empty: the new node rebuilds the lines and the conversations from PostgreSQL', async (t) => {
  const floor = await busyFloor(t, 'none');
  const { site, redis } = floor;
  await floor.node.kill();
  await redis.kill();
  await redis.start();
  const second = await startRingside(t, { env: site.env({ app: 'ringside', nodeId: 'node-1' }), simulator: site.simulator });
  await second.waitForLog(/"msg":"conversation recovered after a restart"/, TALKING);
  await second.waitForLog(/"msg":"waiting call recovered at its place"/, WAITING);
  t.equal(second.count(/back in line from its interaction/), WAITING, 'every waiting call came back from its interaction');
  t.same(await site.store.waitingCalls(QUEUE), floor.waiting, 'every caller is back at their place');
  t.same(await Promise.all(site.agents.map((_, index) => statusOf(site, index))), ['on_call', 'on_call', 'on_call', 'logged_out'], 'the talking agents are on their calls again');
  await site.store.agentLogin({ agentId: site.agents[PAUSED_AGENT]!.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  await drain(t, floor, second);
});
