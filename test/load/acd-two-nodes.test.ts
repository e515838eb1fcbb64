import t from 'tap';
import { SHORT_TALK, startAcdSite } from '../helpers/acd-site.js';
import { assertAcdEmpty, assertIdentityHolds, assertEveryCallAnsweredOnce, assertNoAgentOnTwoCalls } from '../helpers/acd-checks.js';
import { startRingside } from '../helpers/ringside-process.js';

// The dialplan sends a caller to the first Stasis application that is up: calls placed while only node B runs are
// B's, calls placed once A is up are A's. Agents are shared, so an agent freed on one node is offered the other
// node's callers (the owner of the caller's channel rings the agent).
const APPS = ['ringside-a', 'ringside-b'];

t.test('two nodes under load: 200 calls, 20 agents; no call goes to two agents, no agent gets two calls', async (t) => {
  const since = new Date();
  const site = await startAcdSite(t, { agents: 20, phone: SHORT_TALK, apps: APPS });
  const { control } = site.simulator;
  const nodeB = await startRingside(t, { env: site.env({ app: 'ringside-b', nodeId: 'node-b' }), simulator: site.simulator });
  await site.loginAll();
  const placed: string[] = [];
  const apps: (string | null)[] = [];
  // 50 callers a second: a burst, yet paced like real arrivals.
  const place = async (i: number) => {
    const call = await control.placeCall({ from: `+1415555${1000 + i}`, to: '800' });
    placed.push(call.channelId);
    apps.push(call.app);
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  for (let i = 0; i < 100; i++) await place(i);
  const nodeA = await startRingside(t, { env: site.env({ app: 'ringside-a', nodeId: 'node-a' }), simulator: site.simulator });
  for (let i = 100; i < 200; i++) await place(i);
  t.same(apps, [...Array<string>(100).fill('ringside-b'), ...Array<string>(100).fill('ringside-a')], 'B took the first 100 callers, A the next 100');

  const rows = await site.closedInteractions(placed.length, 90_000);
  assertEveryCallAnsweredOnce(t, site, placed, rows);
  assertNoAgentOnTwoCalls(t, rows);
  const ownersByAgent = new Map<string | null, Set<string>>();
  for (const row of rows) ownersByAgent.set(row.agent_id, (ownersByAgent.get(row.agent_id) ?? new Set()).add(placed.indexOf(row.call_id) < 100 ? 'b' : 'a'));
  t.ok([...ownersByAgent.values()].some((owners) => owners.size === 2), 'agents served the callers of both nodes');
  await assertAcdEmpty(t, site);
  await assertIdentityHolds(t, site, since, placed.length);
  t.same([...nodeA.errors(), ...nodeB.errors()], [], 'neither node logged an error');
});
