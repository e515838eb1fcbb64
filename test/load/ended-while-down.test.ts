import t from 'tap';
import { QUEUE, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite } from '../helpers/acd-site.js';
import { assertAcdEmpty, assertIdentityHolds } from '../helpers/acd-checks.js';
import { startRingside } from '../helpers/ringside-process.js';
import { MENU_FLOW, menuCallers } from '../resilience/resilience-flow.js';

t.test('calls that end while Ringside is down (talking, ringing an agent, waiting, in the IVR) are closed by the restarted node, and let go of their agents and places', async (t) => {
  const since = new Date(Date.now() - 1000);
  // Agent 2's phone rings until the test answers it; agent 1's answers and talks until hung up.
  const site = await startAcdSite(t, { agents: 2, phone: TALKS_UNTIL_HUNG_UP, phones: { 2: { behaviour: 'manual' } }, apps: ['ringside'], flows: { 'menu.yaml': MENU_FLOW } });
  const { control } = site.simulator;
  const [talking, ringing] = site.agents as [(typeof site.agents)[0], (typeof site.agents)[0]];
  const env = site.env({ app: 'ringside', nodeId: 'node-1' });
  const first = await startRingside(t, { env, simulator: site.simulator });
  const { status, inMenu, toQueue } = menuCallers(site);

  await site.store.agentLogin({ agentId: talking.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const talk = await toQueue('+14155550001');
  await eventually(async () => (await status(talking.agentId)) === 'on_call', 10_000, 'the conversation');
  await site.store.agentLogin({ agentId: ringing.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const rung = await toQueue('+14155550002');
  await eventually(async () => (await status(ringing.agentId)) === 'offered', 10_000, 'agent 2 ringing');
  const waiting = await toQueue('+14155550003');
  const inIvr = (await control.placeCall({ from: '+14155550004', to: '800' })).channelId;
  await inMenu(inIvr);
  await eventually(async () => (await site.interactions()).length === 4, 10_000, 'four interactions written');

  await first.kill();
  // While no Ringside watches, every caller hangs up.
  for (const callId of [talk, rung, waiting, inIvr]) await control.hangup(callId);
  await control.hangupEndpoint(talking.endpoint).catch(() => undefined);

  const second = await startRingside(t, { env, simulator: site.simulator });
  await second.waitForLog(/"msg":"a call that ended while Ringside was down let go of its place and agents"/, 4);
  const rows = await site.closedInteractions(4, 10_000);
  const rowOf = new Map(rows.map((row) => [row.call_id, row]));
  t.match(rowOf.get(talk), { outcome: 'answered', outcome_detail: `agent:${talking.agentId}` }, 'the conversation closed as answered, with its agent');
  for (const callId of [rung, waiting, inIvr]) t.match(rowOf.get(callId), { outcome: 'failed', outcome_detail: 'ended while Ringside was down' }, 'the others closed as failed, with that cause');
  await assertAcdEmpty(t, site);
  await assertIdentityHolds(t, site, since, 4);
  t.same(second.errors(), [], 'no error logged by the restarted node');
});
