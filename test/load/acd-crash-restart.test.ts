import t from 'tap';
import { QUEUE, SHORT_TALK, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite } from '../helpers/acd-site.js';
import { assertAcdEmpty, assertIdentityHolds } from '../helpers/acd-checks.js';
import { startRingside } from '../helpers/ringside-process.js';
import { waitUntil } from '../helpers/telephony.js';

const TALKING = 10;
const WAITING = 50;

t.test('kill -9 with 50 callers waiting and 10 talking: after a restart every caller is answered, in order of arrival', async (t) => {
  // The phones keep talking until the test hangs them up, so the 10 conversations outlive the crash.
  const since = new Date();
  const site = await startAcdSite(t, { agents: TALKING, phone: TALKS_UNTIL_HUNG_UP, apps: ['ringside'] });
  const { control } = site.simulator;
  const env = site.env({ app: 'ringside', nodeId: 'node-1' });
  const first = await startRingside(t, { env, simulator: site.simulator });
  await site.loginAll();

  const talking: string[] = [];
  for (let i = 0; i < TALKING; i++) talking.push((await control.placeCall({ from: `+1415555${1000 + i}`, to: '800' })).channelId);
  const bridged = (callId: string) => Boolean(control.callState(callId)?.bridgeId) && !control.callState(callId)?.ended;
  await waitUntil(() => talking.every(bridged), 20_000, 'ten conversations');
  // The ACD marks the agent on call just after the bridge is made.
  await eventually(async () => (await Promise.all(site.agents.map(({ agentId }) => site.store.getAgent(agentId)))).every((agent) => agent?.status === 'on_call'), 5000, 'every agent on call');
  const agentOf = new Map<string, string>();
  for (const { agentId } of site.agents) {
    const agent = await site.store.getAgent(agentId);
    t.equal(agent?.status, 'on_call');
    agentOf.set(agent!.callId!, agentId);
  }

  const waiting: string[] = [];
  for (let i = 0; i < WAITING; i++) waiting.push(await site.placeQueuedCall(`+1415555${2000 + i}`));
  t.same(await site.store.waitingCalls(QUEUE), waiting, 'the queue holds the callers in arrival order');
  // Every call's interaction row must have landed: a crash may lose the write in flight, not what happened before it.
  await eventually(async () => {
    const rows = await site.interactions();
    return rows.length === TALKING + WAITING && rows.filter((row) => row.answered_at !== null).length === TALKING;
  }, 10_000, 'every interaction row written');

  await first.kill();
  t.ok(talking.every(bridged), 'the conversations go on in the PBX without Ringside');
  t.ok(waiting.every((callId) => control.callState(callId)?.musicOnHold), 'the waiting callers still hear music on hold');

  const second = await startRingside(t, { env, simulator: site.simulator });
  await second.waitForLog(/"msg":"conversation recovered after a restart"/, TALKING);
  await second.waitForLog(/"msg":"waiting call recovered at its place"/, WAITING);
  t.same(await site.store.waitingCalls(QUEUE), waiting, 'the restarted node keeps every caller at their place');
  t.ok(talking.every(bridged), 'the conversations are still bridged after the restart');

  // From now on each agent answers, talks briefly and hangs up; the ongoing conversations end first.
  for (const { endpoint } of site.agents) control.setEndpoint(endpoint, SHORT_TALK);
  for (const { endpoint } of site.agents) await control.hangupEndpoint(endpoint);

  const rows = await site.closedInteractions(TALKING + WAITING, 40_000);
  t.equal(rows.length, TALKING + WAITING, 'one interaction per call');
  const rowOf = new Map(rows.map((row) => [row.call_id, row]));
  for (const callId of talking) {
    const row = rowOf.get(callId);
    t.match(row, { outcome: 'answered', outcome_detail: `agent:${agentOf.get(callId)}`, agent_id: agentOf.get(callId) }, 'the conversation closed with its agent');
    t.ok(row?.ended_at && row.answered_at, 'answered before the crash, ended after it');
  }
  const answeredBy = new Map(site.events.flatMap((event) => (event.type === 'call.answered' ? [[event.callId, event.agentId] as const] : [])));
  for (const callId of waiting) {
    const row = rowOf.get(callId);
    t.match(row, { outcome: 'answered', outcome_detail: `agent:${answeredBy.get(callId)}` }, 'the waiting caller was answered');
    t.ok(row?.answered_at, 'answered_at is set');
  }
  // The node offers calls in the order its atomic assignments happen, and publishes the offers in that order.
  const offered = site.events.flatMap((event) => (event.type === 'call.offered' && waiting.includes(event.callId) ? [event.callId] : []));
  t.same(offered, waiting, 'the waiting callers were offered once each, in order of arrival');
  t.same(site.events.filter((event) => event.type === 'call.missed' || event.type === 'call.abandoned'), [], 'no offer missed, nobody abandoned');
  await assertAcdEmpty(t, site);
  await assertIdentityHolds(t, site, since, TALKING + WAITING);
  t.same(second.errors(), [], 'the restarted node logged no error');
});
