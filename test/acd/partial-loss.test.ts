import t from 'tap';
import type { AgentContact } from '../../src/acd/dispatcher.js';
import { startAcdRig } from '../helpers/acd-rig.js';
import { eventually } from '../helpers/acd-site.js';
import { waitUntil } from '../helpers/telephony.js';

const RULES = {
  'queues.yaml': `queues:
  - { name: support, wrapUpSeconds: 0, ringTimeoutSeconds: 5, strategy: longest_idle, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }
`,
  'rules.yaml': `rules:
  - { name: everyone, queue: support }
`,
};
const ANN: AgentContact = { agentId: 'ann', displayName: 'Ann', endpoint: 'PJSIP/2001' };

t.test('a waiting caller Redis lost on their own (an AOF a second behind) is put back at their place by the node holding them', async (t) => {
  const rig = await startAcdRig(t, { rules: RULES, agents: [ANN], endpoints: { [ANN.endpoint]: { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 1500 } } });
  const calls: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { channelId } = await rig.simulator.control.placeCall({ from: `+861380013800${i}`, to: '800' });
    await waitUntil(() => rig.events.some((event) => event.type === 'call.queued' && event.callId === channelId), 10_000, 'the call to be queued');
    calls.push(channelId);
  }
  t.same(await rig.store.waitingCalls('support'), calls);
  // The middle caller's state vanishes, the rest of Redis stays: no epoch change, nothing else to tell it.
  await rig.redis.del(rig.store.keys.call(calls[1]!));
  await rig.redis.zrem(rig.store.keys.waiting('support'), calls[1]!);
  await eventually(async () => (await rig.store.waitingCalls('support')).length === 3, 20_000, 'the node to notice');
  t.same(await rig.store.waitingCalls('support'), calls, 'back at their own place, not at the end of the line');
  await rig.login('ann');
  for (const callId of calls) t.match(await rig.closed(callId), { outcome: 'answered', outcome_detail: 'agent:ann' });
  const offered = rig.events.flatMap((event) => (event.type === 'call.offered' ? [event.callId] : []));
  t.same(offered, calls, 'answered in order of arrival, each once');
});
