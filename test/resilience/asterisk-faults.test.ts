import t, { type Test } from 'tap';
import { auditCalls, type CallAudit } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import { startSimulator } from '../../src/telephony/simulator/index.js';
import { login } from '../helpers/consoles.js';
import { eventually } from '../helpers/acd-site.js';
import { answerWhenRinging, apiFor, startSite, type Site } from '../helpers/site.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';
import { MENU_FLOW } from './resilience-flow.js';

const USERS = [
  { username: 'ann', role: 'agent' as const, endpoint: 'PJSIP/3001', skills: { support: 1 } },
  { username: 'bob', role: 'agent' as const, endpoint: 'PJSIP/3002', skills: { support: 1 } },
];

async function auditOf(site: Site, since: Date, ariUrl = site.simulator.url): Promise<CallAudit> {
  return auditCalls(site.db.pool, {
    since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: ariUrl, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: await site.server.telephony.outbox.counts(),
  });
}

/** A talking call (ann), a waiting one, one in the IVR menu: the three kinds a fault can catch. */
async function threeCalls(t: Test, site: Site) {
  const { simulator, server, ids } = site;
  const control = simulator.control;
  const inMenu = (callId: string) => eventually(async () => (control.callState(callId)?.playing ?? null) !== null, 5000, 'the menu');
  const cookie = await login(server, 'ann');
  t.equal((await apiFor(server, cookie)('POST', `/agents/${ids.ann}/state`, { action: 'login' })).status, 200);
  const talking = (await control.placeCall({ from: '+8613800138001', to: '800' })).channelId;
  await inMenu(talking);
  await control.pressKeys(talking, '1');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'on_call', 5000, 'ann talking');
  const waiting = (await control.placeCall({ from: '+8613800138002', to: '800' })).channelId;
  await inMenu(waiting);
  await control.pressKeys(waiting, '1');
  await eventually(async () => (await server.telephony.acd.store.getCall(waiting)) !== null, 5000, 'a caller waiting');
  const inIvr = (await control.placeCall({ from: '+8613800138003', to: '800' })).channelId;
  await inMenu(inIvr);
  await server.telephony.recorder.settled();
  return { talking, waiting, inIvr };
}

const finalOf = async (site: Site, callId: string) =>
  (await site.db.pool.query<{ final: string | null; detail: string | null }>('SELECT interaction_final_outcome(outcome, outcome_detail) AS final, outcome_detail AS detail FROM interactions WHERE call_id = $1', [callId])).rows[0];

t.test('the ARI connection drops mid-call and comes back: calls go on, one that ended meanwhile is closed, the identity holds', async (t) => {
  const site = await startSite(t, { flow: MENU_FLOW, wrapUpSeconds: 1, users: USERS });
  const { simulator, server, ids } = site;
  const since = new Date(Date.now() - 1000);
  const { talking, waiting, inIvr } = await threeCalls(t, site);

  simulator.control.dropConnections();
  await simulator.control.hangup(waiting);
  await eventually(async () => server.telephony.telephony.isConnected(), 15_000, 'ARI connected again');
  await eventually(async () => (await finalOf(site, waiting))?.final === 'abandoned_in_queue', 10_000, 'the caller who left during the drop closed as abandoned in queue');
  t.ok(simulator.control.callState(talking)?.bridgeId, 'the conversation is still bridged');
  await simulator.control.hangup(talking);
  await eventually(async () => (await finalOf(site, talking))?.final === 'answered', 10_000, 'the conversation closed as answered');
  await eventually(async () => (await server.telephony.acd.store.getAgent(ids.ann!))?.status === 'available', 10_000, 'ann available after her wrap-up');
  if (simulator.control.callState(inIvr)?.ended === false) await simulator.control.hangup(inIvr);
  await eventually(async () => (await finalOf(site, inIvr))?.final !== null && (await finalOf(site, inIvr)) !== undefined, 10_000, 'the IVR caller closed');
  t.match(await auditOf(site, since), { inbound: { arrived: 3, accounted: 3 }, unaccountedCount: 0, anomalies: [], holds: true }, 'the identity holds');
});

t.test('Asterisk restarts (every channel gone): each call closes with a cause, the agent is free again, nothing waits forever', async (t) => {
  const site = await startSite(t, { flow: MENU_FLOW, wrapUpSeconds: 1, users: USERS });
  const { server, ids } = site;
  const since = new Date(Date.now() - 1000);
  const { talking, waiting, inIvr } = await threeCalls(t, site);
  const port = Number(new URL(site.simulator.url).port);

  await site.simulator.close();
  const restarted = await startSimulator({ port, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: ['ringside'], timeScale: 0.1, endpoints: { 'PJSIP/3001': { behaviour: 'manual' }, 'PJSIP/3002': { behaviour: 'manual' } } });
  t.teardown(() => restarted.close());
  await eventually(async () => server.telephony.telephony.isConnected(), 20_000, 'ARI connected to the new Asterisk');
  for (const callId of [talking, waiting, inIvr]) {
    await eventually(async () => (await finalOf(site, callId))?.final != null, 15_000, `call ${callId} closed`);
  }
  t.match(await finalOf(site, talking), { final: 'answered' }, 'the conversation was answered before Asterisk went away');
  t.match(await finalOf(site, waiting), { final: 'abandoned_in_queue' }, 'the waiting caller is gone with the PBX');
  t.not((await finalOf(site, inIvr))?.final, null);
  t.equal(await server.telephony.acd.store.getCall(waiting), null, 'no waiting call left in the ACD');
  await eventually(async () => ['available', 'wrap_up'].includes((await server.telephony.acd.store.getAgent(ids.ann!))?.status ?? ''), 15_000, 'ann not left on a call that no longer exists');
  t.match(await auditOf(site, since, restarted.url), { inbound: { arrived: 3, accounted: 3 }, unaccountedCount: 0, anomalies: [], holds: true }, 'the identity holds');
});
