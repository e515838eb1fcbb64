import type { Test } from 'tap';
import type { AcdEvent } from '../../src/acd/acd-events.js';
import { QUEUE, type AcdSite, type InteractionRow } from './acd-site.js';
import { auditCalls } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from './telephony.js';

// What must hold once every call of an ACD site has ended, whatever happened to the nodes on the way.

const callsOf = (events: AcdEvent[], type: 'call.offered' | 'call.answered') =>
  events.flatMap((event) => (event.type === type ? [event.callId] : []));

const tally = (ids: string[]) => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

/** Every call placed was offered once, answered once, and its interaction closed as answered by that agent. */
export function assertEveryCallAnsweredOnce(t: Test, site: AcdSite, placed: string[], rows: InteractionRow[]): void {
  t.equal(rows.length, placed.length, 'one interaction per call placed');
  const offered = tally(callsOf(site.events, 'call.offered'));
  const answered = tally(callsOf(site.events, 'call.answered'));
  t.same([...offered.keys()].sort(), [...placed].sort(), 'every call was offered');
  t.same([...answered.keys()].sort(), [...placed].sort(), 'every call was answered');
  t.same([...offered.values(), ...answered.values()].filter((count) => count !== 1), [], 'no call offered or answered twice');
  t.same(site.events.filter((event) => event.type === 'call.missed' || event.type === 'call.abandoned'), [], 'every phone answered: nothing missed, nobody abandoned');
  const agentOf = new Map(site.events.flatMap((event) => (event.type === 'call.answered' ? [[event.callId, event.agentId] as const] : [])));
  const wrong = rows.filter((row) => row.outcome !== 'answered' || row.outcome_detail !== `agent:${agentOf.get(row.call_id)}` || !row.answered_at || !row.ended_at);
  t.same(wrong, [], 'every interaction closed as answered by the agent who took it');
}

/** An agent's conversations never overlap (between two, the agent wraps up for a second). */
export function assertNoAgentOnTwoCalls(t: Test, rows: InteractionRow[]): void {
  const byAgent = new Map<string, InteractionRow[]>();
  for (const row of rows) byAgent.set(row.agent_id ?? '', [...(byAgent.get(row.agent_id ?? '') ?? []), row]);
  const overlaps: string[] = [];
  for (const [agentId, calls] of byAgent) {
    calls.sort((a, b) => a.answered_at!.getTime() - b.answered_at!.getTime());
    for (let i = 1; i < calls.length; i++) {
      if (calls[i]!.answered_at! < calls[i - 1]!.ended_at!) overlaps.push(`${agentId}: ${calls[i - 1]!.call_id} and ${calls[i]!.call_id}`);
    }
  }
  t.same(overlaps, [], 'no agent talked on two calls at once');
}

/** No channel, nobody waiting, every agent available. */
export async function assertAcdEmpty(t: Test, site: AcdSite): Promise<void> {
  await waitUntil(() => site.simulator.control.stats().channels === 0, 15_000, 'every channel to be gone');
  t.same(await site.store.waitingCalls(QUEUE), [], 'nobody left waiting');
  // The last wrap-ups end a second after the last calls.
  const states = async () => Promise.all(site.agents.map(async ({ agentId }) => (await site.store.getAgent(agentId))?.status));
  const deadline = Date.now() + 10_000;
  while ((await states()).some((status) => status !== 'available') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const final = await states();
  // On failure, the story of each agent not available says why.
  const stories = site.agents
    .filter((_, i) => final[i] !== 'available')
    .map(({ agentId }) => site.events.flatMap((event) => (event.type === 'agent.state' && event.agentId === agentId ? [`${agentId}: ${event.from}>${event.to} ${event.reason ?? ''} ${event.callId ?? ''}`] : [])));
  t.same(final, site.agents.map(() => 'available'), 'every agent available again', { stories });
}

/**
 * The accounting identity (`ringside audit`) over the site's calls since `since`: every one of `calls` arrived
 * and has exactly one final outcome, none is left open, nothing waits in an outbox.
 */
export async function assertIdentityHolds(t: Test, site: AcdSite, since: Date, calls: number): Promise<void> {
  const audit = await auditCalls(site.db.pool, {
    since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: site.simulator.url, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: { pending: 0, refused: 0 },
  });
  t.match(audit, { inbound: { arrived: calls, accounted: calls }, unaccountedCount: 0, anomalies: [], holds: true }, 'the accounting identity holds');
}
