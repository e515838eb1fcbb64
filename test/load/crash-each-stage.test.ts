import t from 'tap';
import { auditCalls } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import { QUEUE, SHORT_TALK, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite } from '../helpers/acd-site.js';
import { startRingside } from '../helpers/ringside-process.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';
import { MENU_FLOW, menuCallers } from '../resilience/resilience-flow.js';

const WRAP_UP_SECONDS = 4;

t.test('kill -9 with a call at every stage (IVR, waiting, ringing, talking, wrap-up): each ends in a known state and the identity holds', async (t) => {
  // Agent 2's phone rings until the test answers it; the others answer and talk until hung up.
  const site = await startAcdSite(t, { agents: 3, phone: TALKS_UNTIL_HUNG_UP, phones: { 2: { behaviour: 'manual' } }, apps: ['ringside'], wrapUpSeconds: WRAP_UP_SECONDS, flows: { 'menu.yaml': MENU_FLOW } });
  const { control } = site.simulator;
  const [wrapping, ringing, talking] = site.agents as [(typeof site.agents)[0], (typeof site.agents)[0], (typeof site.agents)[0]];
  const env = site.env({ app: 'ringside', nodeId: 'node-1' });
  const since = new Date(Date.now() - 1000);
  const first = await startRingside(t, { env, simulator: site.simulator });
  const { status, inMenu, toQueue } = menuCallers(site);

  for (const agent of [wrapping, talking]) await site.store.agentLogin({ agentId: agent.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const ended = await toQueue('+14155550001');
  const talk = await toQueue('+14155550002');
  await eventually(async () => (await status(wrapping.agentId)) === 'on_call' && (await status(talking.agentId)) === 'on_call', 10_000, 'two conversations');
  await site.store.agentLogin({ agentId: ringing.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const rung = await toQueue('+14155550003');
  await eventually(async () => (await status(ringing.agentId)) === 'offered', 10_000, 'agent 2 ringing');
  const waiting = await toQueue('+14155550004');
  const inIvr = (await control.placeCall({ from: '+14155550005', to: '800' })).channelId;
  await inMenu(inIvr);
  // The first caller's agent must be the one in wrap-up: whoever took that call.
  const endedAgent = (await site.store.getAgent(wrapping.agentId))?.callId === ended ? wrapping : talking;
  const talkingAgent = endedAgent === wrapping ? talking : wrapping;
  await control.hangup(ended);
  await eventually(async () => (await status(endedAgent.agentId)) === 'wrap_up', 5000, 'wrap-up');
  await eventually(async () => (await site.interactions()).length === 5, 10_000, 'five interactions written');

  await first.kill();
  t.ok(control.callState(talk)?.bridgeId, 'the conversation goes on without Ringside');

  const second = await startRingside(t, { env, simulator: site.simulator });
  await second.waitForLog(/"msg":"conversation recovered after a restart"/, 1);
  await second.waitForLog(/"msg":"waiting call recovered at its place"/, 2);
  // From now on phones answer at once and talk briefly; the ones with a call finish it.
  for (const { endpoint } of site.agents) control.setEndpoint(endpoint, SHORT_TALK);
  await control.hangupEndpoint(talkingAgent.endpoint);
  await eventually(async () => {
    await control.answerEndpoint(ringing.endpoint).catch(() => undefined);
    return (await site.interactions()).every((row) => row.ended_at !== null);
  }, 60_000, 'every call to end');
  const rows = new Map((await site.interactions()).map((row) => [row.call_id, row]));
  t.match(rows.get(ended), { outcome: 'answered' }, 'ended before the crash: answered');
  t.match(rows.get(talk), { outcome: 'answered', outcome_detail: `agent:${talkingAgent.agentId}` }, 'talking at the crash: the conversation closed with its agent');
  t.match(rows.get(rung), { outcome: 'answered' }, 'ringing at the crash: back at its place, then answered');
  t.match(rows.get(waiting), { outcome: 'answered' }, 'waiting at the crash: kept its place, then answered');
  t.match(rows.get(inIvr), { outcome: 'failed', outcome_detail: 'found after a restart; sent to the fallback' }, 'in the IVR at the crash: sent to the dialplan fallback, with that cause');
  await eventually(async () => (await Promise.all(site.agents.map(({ agentId }) => status(agentId)))).every((state) => state === 'available'), 30_000, 'every agent available again');
  const audit = await auditCalls(site.db.pool, {
    since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: site.simulator.url, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: { pending: 0, refused: 0 },
  });
  t.match(audit, { inbound: { arrived: 5, accounted: 5 }, unaccountedCount: 0, anomalies: [], holds: true }, 'the identity holds');
  t.same(second.errors(), [], 'no error logged by the restarted node');
});
