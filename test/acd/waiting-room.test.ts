import t from 'tap';
import type { AcdEvent } from '../../src/acd/acd-events.js';
import { startAcdRig, type RigAgent } from '../helpers/acd-rig.js';
import { answerWhenRinging } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';

const ANN: RigAgent = { agentId: 'ann', displayName: 'Ann', endpoint: 'PJSIP/2001', skills: { support: 5 }, queues: ['support'] };
const BOB: RigAgent = { agentId: 'bob', displayName: 'Bob', endpoint: 'PJSIP/2002', skills: { support: 5 }, queues: ['support'] };

const rules = (queues: string, rule = '{ name: everyone, queue: support }') => ({
  'queues.yaml': `queues:\n${queues}`,
  'rules.yaml': `rules:\n  - ${rule}\n`,
});

const ofType = <T extends AcdEvent['type']>(events: AcdEvent[], type: T) => events.filter((event): event is Extract<AcdEvent, { type: T }> => event.type === type);


/** Ann answers the first caller and stays on the call, so the next one waits with one agent working. */
async function annBusy(rig: Awaited<ReturnType<typeof startAcdRig>>) {
  await rig.login('ann');
  const first = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.events.some((event) => event.type === 'call.offered'), 5000, 'the first call offered');
  await answerWhenRinging(rig.simulator, 'PJSIP/2001');
  await waitUntil(() => Boolean(rig.simulator.control.callState(first.channelId)?.bridgeId), 5000, 'ann talking');
  return first;
}

t.test('position and estimated wait are announced on entry and every N seconds, each estimate recorded', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules('  - { name: support, wrapUpSeconds: 0, announcements: { onEntry: true, everySeconds: 2 } }\n'),
    agents: [ANN],
    endpoints: { 'PJSIP/2001': { behaviour: 'manual' } },
  });
  const first = await annBusy(rig);
  const second = await rig.simulator.control.placeCall({ from: '+8613800138001', to: '800' });
  await waitUntil(() => ofType(rig.events, 'call.estimate').length >= 2, 8000, 'two announcements');
  const estimates = ofType(rig.events, 'call.estimate');
  t.match(estimates[0], { callId: second.channelId, queue: 'support', position: 1, estimateSeconds: 180 }, 'one caller ahead of nobody, one agent working, no handle time yet (180 s)');
  t.ok(estimates[1]!.at - estimates[0]!.at >= 1900, 'repeated every 2 s');
  const heard = rig.simulator.control.callState(second.channelId)?.heard ?? [];
  t.ok(heard.includes('sound:queue-youarenext') && heard.includes('sound:queue-holdtime'), 'the caller heard position and wait');
  await waitUntil(() => Boolean(rig.simulator.control.callState(second.channelId)?.musicOnHold), 5000, 'music again after the announcement');

  // Ann finishes: the second caller is answered, and the estimates can be compared with the real wait.
  await rig.simulator.control.hangupEndpoint('PJSIP/2001');
  await rig.closed(first.channelId);
  await waitUntil(() => rig.events.some((event) => event.type === 'call.offered' && event.callId === second.channelId), 8000, 'the second call offered');
  await answerWhenRinging(rig.simulator, 'PJSIP/2001');
  await waitUntil(() => rig.events.some((event) => event.type === 'call.answered' && event.callId === second.channelId), 5000, 'the second call answered');
  await rig.recorder.settled();
  const { rows } = await rig.db.pool.query<{ position: number; estimate_seconds: number; actual_seconds: string }>(
    'SELECT position, estimate_seconds, actual_seconds FROM wait_estimate_errors WHERE call_id = $1 ORDER BY announced_at',
    [second.channelId],
  );
  t.ok(rows.length >= 2, 'every estimate is on record with the wait that followed');
  t.match(rows[0], { position: 1, estimate_seconds: 180 });
  t.ok(Number(rows[0]!.actual_seconds) > 0);
  await rig.simulator.control.hangup(second.channelId);
});

t.test('escalation ladder: a skill requirement relaxes after N seconds and a less skilled agent takes the call', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules(
      '  - { name: support, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n',
      "{ name: experts, queue: support, skills: { support: 8 }, escalations: [{ after: 2, action: relax, skill: support, level: 3 }] }",
    ),
    agents: [ANN],
    endpoints: { 'PJSIP/2001': { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 2000 } },
  });
  await rig.login('ann');
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.events.some((event) => event.type === 'call.queued'), 5000, 'queued');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  t.equal(ofType(rig.events, 'call.offered').length, 0, 'ann (level 5) is not offered a call that needs level 8');
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'answered', outcome_detail: 'agent:ann' });
  const changed = ofType(rig.events, 'call.changed');
  t.match(changed, [{ callId: call.channelId, by: 'escalation', skills: { support: 3 } }]);
  const answered = ofType(rig.events, 'call.answered')[0]!;
  t.ok(answered.waitedMs >= 2000, `answered after the step (${answered.waitedMs} ms)`);
});

t.test('a full queue overflows to another; the interaction records where it was answered', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules(
      '  - { name: support, maxLength: 1, whenFull: { action: overflow, queue: billing }, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n' +
        '  - { name: billing, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n',
    ),
    agents: [{ ...BOB, skills: { billing: 5 }, queues: ['billing'] }],
    endpoints: { 'PJSIP/2002': { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 1000 } },
  });
  const first = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => ofType(rig.events, 'call.queued').length === 1, 5000, 'first queued');
  const second = await rig.simulator.control.placeCall({ from: '+8613800138001', to: '800' });
  await waitUntil(() => ofType(rig.events, 'call.changed').length === 1, 5000, 'the second overflowed');
  t.match(ofType(rig.events, 'call.changed')[0], { callId: second.channelId, queue: 'billing', by: 'overflow' });
  t.same(await rig.store.waitingCalls('support'), [first.channelId]);
  t.same(await rig.store.waitingCalls('billing'), [second.channelId]);
  await rig.login('bob');
  t.match(await rig.closed(second.channelId), { outcome: 'answered', queue: 'billing' });
  await rig.simulator.control.hangup(first.channelId);
});

t.test('nobody logged in for the queue: voicemail, kept on the interaction', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules('  - { name: support, whenNoAgents: { action: voicemail } }\n'),
    agents: [ANN],
    endpoints: {},
  });
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 20, hangup: true }] });
  const row = await rig.closed(call.channelId);
  t.equal(row.outcome, 'voicemail');
  t.match(row.recording, /^vm-/);
  t.match(ofType(rig.events, 'call.exited'), [{ callId: call.channelId, to: 'voicemail', reason: 'no_agents' }]);
  t.same(await rig.store.waitingCalls('support'), [], 'the call left the queue');
  t.ok(rig.simulator.control.callState(call.channelId)?.heard.includes('sound:vm-intro'));
});

t.test('max wait reached: the queue closes the call with its prompts', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules("  - { name: support, maxWaitSeconds: 10, whenNoAgents: { action: wait }, whenMaxWait: { action: hangup, prompts: ['sound:queue-thankyou'] }, announcements: { onEntry: false, everySeconds: 0 } }\n"),
    agents: [ANN],
    endpoints: {},
  });
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'failed', outcome_detail: 'queue:support:max_wait' });
  t.match(ofType(rig.events, 'call.exited'), [{ to: 'hangup', reason: 'max_wait' }]);
  t.ok(ofType(rig.events, 'call.exited')[0]!.waitedMs >= 10_000);
});

t.test('a callback offered on the ladder: the caller presses 1, confirms the number, and keeps their place', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules('  - { name: support, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n', '{ name: everyone, queue: support, escalations: [{ after: 1, action: callback }] }'),
    agents: [ANN],
    endpoints: {},
  });
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.simulator.control.callState(call.channelId)?.playing === 'sound:ringside/queue-callback-offer', 8000, 'the callback offer');
  await rig.simulator.control.pressKeys(call.channelId, '1');
  await waitUntil(() => rig.simulator.control.callState(call.channelId)?.heard.includes('sound:ringside/callback-confirm-or-change') ?? false, 8000, 'the number read back');
  await rig.simulator.control.pressKeys(call.channelId, '1');
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'callback', outcome_detail: /^callback:\d+$/ });
  const queued = ofType(rig.events, 'call.queued')[0]!;
  const { rows } = await rig.db.pool.query<{ phone_e164: string; queue: string; queue_entered_at: Date; status: string }>('SELECT phone_e164, queue, queue_entered_at, status FROM callbacks');
  t.equal(rows.length, 1);
  t.match(rows[0], { phone_e164: '+8613800138000', queue: 'support', status: 'scheduled' });
  t.ok(Math.abs(rows[0]!.queue_entered_at.getTime() - queued.at) < 1000, 'the callback keeps the time the caller joined the queue');
  t.same(await rig.store.waitingCalls('support'), []);
});

t.test('a caller who does not take the callback keeps waiting', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules('  - { name: support, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n', '{ name: everyone, queue: support, escalations: [{ after: 1, action: callback }] }'),
    agents: [ANN],
    endpoints: { 'PJSIP/2001': { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 1000 } },
  });
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  await waitUntil(() => rig.simulator.control.callState(call.channelId)?.heard.includes('sound:ringside/queue-callback-offer') ?? false, 8000, 'the callback offer');
  await waitUntil(() => Boolean(rig.simulator.control.callState(call.channelId)?.musicOnHold), 12_000, 'back to the music');
  t.same(await rig.store.waitingCalls('support'), [call.channelId], 'still in line');
  await rig.login('ann');
  t.match(await rig.closed(call.channelId), { outcome: 'answered' });
});

t.test('ring-all rings every free agent; the first to answer gets the call, the others are free at once', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules('  - { name: support, strategy: ring_all, whenNoAgents: { action: wait }, wrapUpSeconds: 0, announcements: { onEntry: false, everySeconds: 0 } }\n'),
    agents: [ANN, BOB],
    endpoints: { 'PJSIP/2001': { behaviour: 'manual' }, 'PJSIP/2002': { behaviour: 'answer', answerAfterMs: 1000, hangupAfterMs: 3000 } },
  });
  await rig.login('ann');
  await rig.login('bob');
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'answered', outcome_detail: 'agent:bob' });
  t.same(new Set(ofType(rig.events, 'call.offered').map((event) => event.agentId)), new Set(['ann', 'bob']), 'both phones rang');
  t.equal(await rig.statusOf('ann', 'available'), 'available', 'ann is free again, not paused');
  t.match(rig.events.find((event) => event.type === 'agent.state' && event.agentId === 'ann' && event.from === 'offered'), { to: 'available', reason: 'withdrawn' });
});

t.test('a supervisor raises a waiting call\'s priority and moves another to a different queue, live', async (t) => {
  const rig = await startAcdRig(t, {
    rules: rules(
      '  - { name: support, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n' +
        '  - { name: billing, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n',
    ),
    agents: [ANN, { ...BOB, skills: { billing: 5 }, queues: ['billing'] }],
    endpoints: { 'PJSIP/2001': { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 1000 }, 'PJSIP/2002': { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 1000 } },
  });
  const calls = [];
  for (let i = 0; i < 3; i++) {
    calls.push(await rig.simulator.control.placeCall({ from: `+861380013800${i}`, to: '800' }));
    await waitUntil(() => ofType(rig.events, 'call.queued').length === i + 1, 5000, `call ${i} queued`);
  }
  const [a, b, c] = calls.map((call) => call.channelId) as [string, string, string];
  await rig.dispatcher.changeCall(c, { priority: 60 });
  t.same(await rig.store.waitingCalls('support'), [c, a, b], 'the raised call is first at once');
  await rig.dispatcher.changeCall(b, { queue: 'billing' });
  t.same(await rig.store.waitingCalls('billing'), [b]);
  await t.rejects(rig.dispatcher.changeCall(a, { queue: 'nowhere' }), { code: 'not_found' });
  await rig.login('bob');
  t.match(await rig.closed(b), { outcome: 'answered', outcome_detail: 'agent:bob', queue: 'billing' });
  await rig.login('ann');
  await rig.closed(c);
  const answered = ofType(rig.events, 'call.answered').filter((event) => event.queue === 'support').map((event) => event.callId);
  t.equal(answered[0], c, 'ann takes the raised call first');
  await rig.closed(a);
  t.match(ofType(rig.events, 'call.changed'), [{ callId: c, priority: 60, by: 'supervisor' }, { callId: b, queue: 'billing', by: 'supervisor' }]);
});
