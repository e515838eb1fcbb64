import t from 'tap';
import { waitUntil } from '../helpers/telephony.js';
import { answer, monitorBecomes, startSupervisionSite } from './site.js';

interface AuditRow {
  action: string;
  agentId: string | null;
  callId: string | null;
  outcome: string;
  actor: { username: string; role: string };
  details: Record<string, unknown>;
}

t.test('a supervisor listens, whispers, barges and stops; hanging up or the call ending ends the session; the call is never disturbed', async (t) => {
  const { simulator, server, ids, api, bridge, callAnn } = await startSupervisionSite(t);
  const state = (channelId: string) => simulator.control.callState(channelId);
  const audit = async (query = '') => (await api.sue('GET', `/audit${query}`)).body as AuditRow[];

  t.match(await api.ann('POST', '/agents/' + ids.ann + '/state', { action: 'login' }), { status: 200 });

  // Refused before anything happens.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 409, body: { error: 'agent_not_on_call' } }, 'ann has no call yet');
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'spy' }), { status: 400, body: { error: 'invalid_input' } });
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen', endpoint: 'no phone' }), { status: 400, body: { error: 'invalid_input' } });
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen', extra: 1 }), { status: 400 });
  t.match(await api.sue('POST', '/agents/abc/monitor', { mode: 'listen' }), { status: 400 });
  t.match(await api.sue('POST', '/agents/424242/monitor', { mode: 'listen' }), { status: 404, body: { error: 'not_found' } });
  t.match(await api.ann('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 403, body: { error: 'forbidden' } }, 'an agent cannot monitor, not even themselves');
  t.match(await api.bob('POST', `/agents/${ids.ann}/monitor`, { mode: 'barge' }), { status: 403 });
  t.match(await api.sue('GET', '/monitor'), { status: 404, body: { error: 'not_monitoring' } });
  t.match(await api.sue('DELETE', '/monitor'), { status: 404, body: { error: 'not_monitoring' } });
  t.same(await audit(), [], 'refused requests leave no audit row');

  const call = await callAnn();
  const callBridgeBefore = await bridge(call.bridgeId);
  t.same(callBridgeBefore.channels, [call.callId, call.legId].sort(), 'caller and ann in their bridge');
  t.match(await api.ada('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 400, body: { error: 'no_endpoint' } }, 'ada has no phone and named none');
  t.match(await api.ada('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen', endpoint: 'PJSIP/3001' }), { status: 400, body: { error: 'invalid_endpoint' } }, 'not on the agent\'s own phone');
  t.match(await api.bob('GET', '/audit'), { status: 403 }, 'agents do not read the audit log');

  // Listen: the supervisor's phone rings, then hears both sides through a snoop on ann's leg.
  const started = await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' });
  t.match(started, { status: 200, body: { agentId: ids.ann, callId: call.callId, mode: 'listen', state: 'ringing', endpoint: 'PJSIP/4001', supervisorId: ids.sue } });
  await answer(simulator, 'PJSIP/4001');
  await monitorBecomes(api.sue, 'connected');
  await waitUntil(() => (state(call.legId)?.snoops.length ?? 0) === 1 && state(call.legId)?.snoops[0]?.bridgeId !== null, 5000, 'a snoop on ann\'s leg, bridged');
  const [listenSnoop] = state(call.legId)!.snoops;
  t.match(listenSnoop, { spy: 'both', whisper: 'none' }, 'listen: hears both directions, says nothing');
  t.same(state(listenSnoop!.channelId)?.snoopOf, { channelId: call.legId, spy: 'both', whisper: 'none' });
  const monitorBridge = await bridge(listenSnoop!.bridgeId!);
  t.equal(monitorBridge.channels.length, 2, 'the snoop and the supervisor\'s phone');
  const supervisorLeg = monitorBridge.channels.find((id) => id !== listenSnoop!.channelId)!;
  t.match(state(supervisorLeg), { state: 'Up', bridgeId: listenSnoop!.bridgeId });
  t.same((await bridge(call.bridgeId)).channels, callBridgeBefore.channels, 'the caller-agent bridge untouched');
  t.equal(state(call.callId)?.bridgeId, call.bridgeId);
  t.equal(state(call.callId)?.snoops.length, 0, 'the caller\'s own channel is not snooped');

  // The same request again changes nothing; another agent while monitoring is refused.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 200, body: { mode: 'listen', state: 'connected' } });
  t.match(await api.sue('POST', `/agents/${ids.bob}/monitor`, { mode: 'listen' }), { status: 409, body: { error: 'already_monitoring', details: { agentId: ids.ann } } });

  // Whisper: a snoop that mixes the supervisor into what ann's phone is sent; the listening one goes.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'whisper' }), { status: 200, body: { mode: 'whisper', state: 'connected' } });
  const snoops = state(call.legId)!.snoops;
  t.equal(snoops.length, 1, 'one snoop at a time');
  t.match(snoops[0], { spy: 'both', whisper: 'out', bridgeId: listenSnoop!.bridgeId }, 'whisper: ann hears the supervisor, the caller does not');
  t.not(snoops[0]!.channelId, listenSnoop!.channelId);
  t.equal(state(listenSnoop!.channelId), null, 'the listening snoop is gone');
  t.same((await bridge(listenSnoop!.bridgeId!)).channels, [snoops[0]!.channelId, supervisorLeg].sort());
  t.same((await bridge(call.bridgeId)).channels, callBridgeBefore.channels, 'the call\'s bridge still untouched');

  // Barge: the supervisor joins the call's bridge; no snoop is left.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'barge' }), { status: 200, body: { mode: 'barge' } });
  t.equal(state(supervisorLeg)?.bridgeId, call.bridgeId, 'the supervisor in the call\'s bridge');
  t.same((await bridge(call.bridgeId)).channels, [...callBridgeBefore.channels, supervisorLeg].sort(), 'everyone hears everyone');
  t.same(state(call.legId)?.snoops, []);
  t.equal((await bridge(listenSnoop!.bridgeId!)).status, 404, 'the monitor bridge is gone');

  // And back to listening: out of the call's bridge, which is as it was.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 200, body: { mode: 'listen' } });
  t.same((await bridge(call.bridgeId)).channels, callBridgeBefore.channels);
  t.match(state(call.legId)?.snoops, [{ spy: 'both', whisper: 'none' }]);
  t.not(state(supervisorLeg)?.bridgeId, call.bridgeId);

  // Stop: the supervisor's phone and the snoop hang up; the call goes on.
  t.match(await api.sue('DELETE', '/monitor'), { status: 200, body: { state: 'ended', mode: 'listen' } });
  t.match(state(supervisorLeg), { ended: true });
  await waitUntil(() => state(call.legId)?.snoops.length === 0, 2000, 'no snoop left');
  t.same((await bridge(call.bridgeId)).channels, callBridgeBefore.channels, 'caller and ann still talking');
  t.match(await api.sue('GET', '/monitor'), { status: 404 });
  t.equal((await server.telephony.acd.store.getAgent(ids.ann))?.status, 'on_call');

  // The supervisor hangs up: the session ends by itself.
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'whisper' }), { status: 200 });
  await answer(simulator, 'PJSIP/4001');
  await monitorBecomes(api.sue, 'connected');
  await waitUntil(() => state(call.legId)?.snoops[0]?.bridgeId !== null && state(call.legId)?.snoops.length === 1, 5000, 'whispering');
  await simulator.control.hangupEndpoint('PJSIP/4001');
  await monitorBecomes(api.sue, null);
  await waitUntil(() => state(call.legId)?.snoops.length === 0, 2000, 'the snoop hung up');
  t.same((await bridge(call.bridgeId)).channels, callBridgeBefore.channels, 'the call undisturbed by the supervisor hanging up');

  // The call ends while barging: the session ends, and the supervisor's phone with it.
  t.match(await api.ada('POST', `/agents/${ids.ann}/monitor`, { mode: 'barge', endpoint: 'PJSIP/4002' }), { status: 200, body: { endpoint: 'PJSIP/4002', state: 'ringing' } }, 'an admin, on a phone named in the request');
  await answer(simulator, 'PJSIP/4002');
  await monitorBecomes(api.ada, 'connected');
  await waitUntil(() => (state(call.callId)?.bridgeId ?? '') === call.bridgeId && state(call.legId)?.bridgeId === call.bridgeId, 2000, 'still bridged');
  const adaLeg = (await bridge(call.bridgeId)).channels.find((id) => id.startsWith('supervisor-'));
  t.ok(adaLeg, 'ada in the call');
  await simulator.control.hangup(call.callId);
  await monitorBecomes(api.ada, null);
  await waitUntil(() => state(adaLeg!)?.ended === true, 2000, 'ada\'s phone hung up');

  // Another session, listening, and the agent's side ends the call.
  const second = await callAnnAfterWrapUp();
  t.match(await api.sue('POST', `/agents/${ids.ann}/monitor`, { mode: 'listen' }), { status: 200 });
  await answer(simulator, 'PJSIP/4001');
  await monitorBecomes(api.sue, 'connected');
  await simulator.control.hangupEndpoint('PJSIP/3001');
  await monitorBecomes(api.sue, null);
  await waitUntil(() => state(second.callId)?.ended === true, 2000, 'the call over');
  t.equal(server.telephony.calls.activeCalls(), 0, 'nothing left of the calls');

  // Every action in the audit log, newest first; a session that ended by itself is recorded as it ends.
  for (let tries = 0; (await audit(`?agentId=${ids.ann}&action=monitor.end`)).length < 3 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  const rows = await audit(`?agentId=${ids.ann}`);
  t.same(
    rows.map((row) => [row.action, row.actor.username, row.outcome]).reverse(),
    [
      ['monitor.start', 'sue', 'succeeded'],
      ['monitor.mode', 'sue', 'succeeded'],
      ['monitor.mode', 'sue', 'succeeded'],
      ['monitor.mode', 'sue', 'succeeded'],
      ['monitor.stop', 'sue', 'succeeded'],
      ['monitor.start', 'sue', 'succeeded'],
      ['monitor.end', 'sue', 'succeeded'],
      ['monitor.start', 'ada', 'succeeded'],
      ['monitor.end', 'ada', 'succeeded'],
      ['agent.state', 'sue', 'succeeded'],
      ['monitor.start', 'sue', 'succeeded'],
      ['monitor.end', 'sue', 'succeeded'],
    ],
    'start, three mode changes, stop, then sessions that ended by themselves; ann\'s own login is not a supervisor\'s action',
  );
  t.match(rows.find((row) => row.action === 'monitor.start'), { callId: second.callId, details: { mode: 'listen', endpoint: 'PJSIP/4001' } });
  t.same(
    rows.filter((row) => row.action === 'monitor.end').map((row) => row.details.reason),
    ['call_ended', 'call_ended', 'supervisor_hung_up'],
  );
  t.same(rows.filter((row) => row.action === 'monitor.mode').map((row) => row.details).reverse(), [
    { from: 'listen', to: 'whisper' },
    { from: 'whisper', to: 'barge' },
    { from: 'barge', to: 'listen' },
  ]);

  /** Ann's wrap-up forced to its end by sue (audited), then the next call rings her. */
  async function callAnnAfterWrapUp() {
    await waitUntil(() => server.telephony.acd.dispatcher.talkOf(ids.ann) === undefined, 5000, 'ann\'s talk over');
    t.match(await api.sue('POST', `/agents/${ids.ann}/state`, { action: 'end_wrap_up' }), { status: 200, body: { to: 'available' } });
    return callAnn();
  }
});
