import type { Test } from 'tap';
import t from 'tap';
import type { ServerMessage } from '../../src/realtime/messages.js';
import { AGENT_PASSWORD, QUEUE, SHORT_TALK, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite, type AcdSite } from '../helpers/acd-site.js';
import { assertIdentityHolds } from '../helpers/acd-checks.js';
import { login, openConsole, type Console } from '../helpers/consoles.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { startRingside, type RingsideProcess } from '../helpers/ringside-process.js';
import { waitUntil } from '../helpers/telephony.js';

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

/** Agents TALKING + 2 and + 3: phones that ring until the test answers or rejects them, logged in once the callers wait. */
const RINGING_AGENTS = [TALKING + 1, TALKING + 2];

/**
 * One node on a Redis of the test's own: three agents talking, one paused, eight callers waiting in order; with
 * `ringing`, two more agents whose phones are ringing with the first two callers.
 */
async function busyFloor(t: Test, persistence: 'aof' | 'none', { ringing = false } = {}): Promise<Floor> {
  const since = new Date();
  const redis = await startPrivateRedis(t, { persistence });
  const manual = { behaviour: 'manual' } as const;
  const site = await startAcdSite(t, {
    agents: TALKING + 1 + (ringing ? RINGING_AGENTS.length : 0),
    phone: TALKS_UNTIL_HUNG_UP,
    apps: ['ringside'],
    redisUrl: redis.url,
    // The ringing phones must still ring after the fault (the longest allowed: 24 s of real time).
    ringTimeoutSeconds: 120,
    phones: ringing ? Object.fromEntries(RINGING_AGENTS.map((index) => [index + 1, manual])) : {},
  });
  const { control } = site.simulator;
  const node = await startRingside(t, { env: site.env({ app: 'ringside', nodeId: 'node-1' }), simulator: site.simulator });
  for (const { agentId } of site.agents.slice(0, TALKING + 1)) await site.store.agentLogin({ agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  await site.store.agentPause(site.agents[PAUSED_AGENT]!.agentId, 'break');
  const talking: string[] = [];
  for (let i = 0; i < TALKING; i++) talking.push((await control.placeCall({ from: `+1415555${1000 + i}`, to: '800' })).channelId);
  await eventually(async () => (await Promise.all(site.agents.slice(0, TALKING).map(({ agentId }) => site.store.getAgent(agentId)))).every((agent) => agent?.status === 'on_call'), 20_000, 'every agent on call');
  const waiting: string[] = [];
  for (let i = 0; i < WAITING; i++) waiting.push(await site.placeQueuedCall(`+1415555${2000 + i}`));
  t.same(await site.store.waitingCalls(QUEUE), waiting, 'the callers wait in arrival order');
  for (const [n, index] of (ringing ? RINGING_AGENTS : []).entries()) {
    // One at a time, so that each takes the caller first in line.
    await site.store.agentLogin({ agentId: site.agents[index]!.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
    const { endpoint } = site.agents[index]!;
    await waitUntil(() => site.simulator.control.dialsTo(endpoint) === 1, 10_000, 'the agent\'s phone to ring');
    await waitUntil(() => site.events.some((event) => event.type === 'call.offered' && event.callId === waiting[n]), 10_000, 'the offer of the caller first in line');
  }
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
async function drain(t: Test, floor: Floor, node: RingsideProcess, { offeredAgain = [] as string[] } = {}): Promise<void> {
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
  // A caller whose agent did not answer is offered again; the first offers follow the arrivals.
  t.same([...new Set(offered)], waiting, 'the waiting callers were offered in order of arrival');
  t.same(offered.filter((callId, index) => offered.indexOf(callId) !== index), offeredAgain, 'and only the missed ones again');
  await assertIdentityHolds(t, site, floor.since, TALKING + WAITING);
  t.same(node.errors(), [], 'the node logged no error');
}

/** An agent's console on the node, as their browser would open it. */
async function consoleOf(node: RingsideProcess, username: string): Promise<Console> {
  const url = /"url":"([^"]+)"/.exec(node.lines.find((line) => line.includes('"msg":"ringside listening"')) ?? '')?.[1];
  if (!url) throw new Error('the node did not log its URL');
  const cookie = await login({ url }, username, AGENT_PASSWORD);
  return openConsole({ url }, { cookie });
}

const stateLost = (message: ServerMessage) => message.type === 'agent.state' && message.reason === 'state_lost';

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
  const floor = await busyFloor(t, 'none', { ringing: true });
  const { site, redis, node, waiting } = floor;
  const { control } = site.simulator;
  const pausedConsole = await consoleOf(node, `agent${PAUSED_AGENT + 1}`);
  const talkingConsole = await consoleOf(node, 'agent1');
  t.teardown(() => Promise.all([pausedConsole.close(), talkingConsole.close()]));
  await Promise.all([pausedConsole.next('snapshot'), talkingConsole.next('snapshot')]);
  await redis.kill();
  await redis.start();
  await node.waitForLog(/ACD state put back/, 1, 20_000);
  t.same(await site.store.waitingCalls(QUEUE), waiting.slice(2), 'the node put every waiting caller back in line, in their order; the two ringing are not in line');
  const states = async () => Promise.all(site.agents.map((_, index) => statusOf(site, index)));
  t.same(await states(), ['on_call', 'on_call', 'on_call', 'logged_out', 'logged_out', 'logged_out'], 'the talking agents are on their calls again; the others have no state');
  await waitUntil(() => pausedConsole.messages.some(stateLost), 10_000, 'the paused agent\'s console to be told');
  t.match(pausedConsole.messages.find(stateLost), { agentId: site.agents[PAUSED_AGENT]!.agentId, to: 'logged_out' }, 'the paused agent\'s console is told they are logged out, and why');
  t.notOk(talkingConsole.messages.some(stateLost), 'an agent on a call is not asked to log in');

  // The ringing offers Redis forgot finish by their own outcome: one agent answers, the other rejects.
  const [answering, rejecting] = RINGING_AGENTS.map((index) => site.agents[index]!);
  await control.answerEndpoint(answering!.endpoint);
  await eventually(async () => (await site.store.getAgent(answering!.agentId))?.callId === waiting[0], 10_000, 'the answering agent to be on the call');
  t.equal(await statusOf(site, RINGING_AGENTS[0]!), 'on_call', 'the agent who answered a forgotten offer is on that call');
  await control.hangupEndpoint(rejecting!.endpoint);
  await eventually(async () => (await site.store.waitingCalls(QUEUE))[0] === waiting[1], 10_000, 'the rejected caller back in line');
  t.same(await site.store.waitingCalls(QUEUE), waiting.slice(1), 'the rejected caller is back first in line, before everyone who came after them');
  t.equal(await statusOf(site, RINGING_AGENTS[1]!), 'logged_out', 'the agent who rejected has no state to be paused in');

  // The agents without a state log in again as their consoles would.
  for (const index of [PAUSED_AGENT, RINGING_AGENTS[1]!]) await site.store.agentLogin({ agentId: site.agents[index]!.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  await control.hangupEndpoint(answering!.endpoint);
  await drain(t, floor, node, { offeredAgain: [waiting[1]!] });
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
