import t from 'tap';
import { QUEUE, SHORT_TALK, TALKS_UNTIL_HUNG_UP, eventually, startAcdSite } from '../helpers/acd-site.js';
import { assertAcdEmpty, assertEveryCallAnsweredOnce, assertIdentityHolds, assertNoAgentOnTwoCalls } from '../helpers/acd-checks.js';
import { startRingside } from '../helpers/ringside-process.js';
import { waitUntil } from '../helpers/telephony.js';

// Two nodes as in two-nodes.test.ts (kept apart so that each file stays well within the runner's time limit).
// The dialplan sends a caller to the first Stasis application that is up: calls placed while only node B runs are
// B's, calls placed once A is up are A's. Agents are shared, so an agent freed on one node is offered the other
// node's callers (the owner of the caller's channel rings the agent).
const APPS = ['ringside-a', 'ringside-b'];

t.test('kill -9 of node B while callers wait on it: a standby taking over ringside-b answers every one of them', async (t) => {
  // Phones answer and keep talking until the test hangs them up, so B holds conversations and waiting callers when it dies.
  const since = new Date();
  const site = await startAcdSite(t, { agents: 10, phone: TALKS_UNTIL_HUNG_UP, apps: APPS });
  const { control } = site.simulator;
  const nodeB = await startRingside(t, { env: site.env({ app: 'ringside-b', nodeId: 'node-b' }), simulator: site.simulator });
  const [late, ...early] = site.agents;
  for (const agent of early) await site.store.agentLogin({ agentId: agent.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const placed: string[] = [];
  for (let i = 0; i < 30; i++) placed.push(await site.placeQueuedCall(`+1415555${1000 + i}`));
  await waitUntil(() => site.events.filter((event) => event.type === 'call.answered').length === early.length, 15_000, 'B\'s agents talking');
  const nodeA = await startRingside(t, { env: site.env({ app: 'ringside-a', nodeId: 'node-a' }), simulator: site.simulator });
  for (let i = 30; i < 40; i++) placed.push(await site.placeQueuedCall(`+1415555${1000 + i}`));
  t.equal((await site.store.waitingCalls(QUEUE)).length, 40 - early.length, 'B\'s and A\'s callers wait');

  await nodeB.kill();
  // An agent becomes free while B is dead: A may offer them its own callers; B's callers must wait for B's successor.
  await site.store.agentLogin({ agentId: late!.agentId, skills: { [QUEUE]: 5 }, queues: [QUEUE] });
  const standby = await startRingside(t, { env: site.env({ app: 'ringside-b', nodeId: 'node-b-standby' }), simulator: site.simulator });
  await standby.waitForLog(/"msg":"conversation recovered after a restart"/, early.length);
  await standby.waitForLog(/"msg":"waiting call recovered at its place"/, 30 - early.length);

  // From now on every phone talks briefly. Those that answered before keep talking: their agents hang up once seen on
  // the same call for 3 s (only then: a ringing phone would decline, and a missed offer is not this test's subject).
  for (const { endpoint } of site.agents) control.setEndpoint(endpoint, SHORT_TALK);
  const hangUpLongTalks = async () => {
    for (const { agentId, endpoint } of site.agents) {
      const agent = await site.store.getAgent(agentId);
      if (agent?.status === 'on_call' && Date.now() - agent.since > 3000) await control.hangupEndpoint(endpoint).catch(() => undefined);
    }
  };
  await eventually(async () => {
    await hangUpLongTalks();
    return (await site.interactions()).filter((row) => row.ended_at !== null).length === placed.length;
  }, 60_000, 'every call to end');

  const rows = await site.interactions();
  assertEveryCallAnsweredOnce(t, site, placed, rows);
  assertNoAgentOnTwoCalls(t, rows);
  // A may have offered the late agent one of B's callers while B's heartbeat outlived it: no reason to pause them.
  await assertAcdEmpty(t, site);
  await assertIdentityHolds(t, site, since, placed.length);
  t.same([...nodeA.errors(), ...standby.errors()], [], 'the surviving nodes logged no error');
});
