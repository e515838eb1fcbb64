import t from 'tap';
import { startTelephonyRig, waitUntil } from '../helpers/telephony.js';

t.test('every command and event over real ARI against the simulator', async (t) => {
  const rig = await startTelephonyRig(t, { endpoints: { 'PJSIP/1001': { behaviour: 'answer', answerAfterMs: 200 }, 'PJSIP/1002': { behaviour: 'busy' }, 'PJSIP/1003': { behaviour: 'no-answer' } } });
  const { simulator, telephony, next } = rig;
  const placed = await simulator.control.placeCall({ from: '+8613800138000', fromName: '张伟', to: '800' });
  const arrived = await next('call.arrived', placed.channelId);
  t.match(arrived, { callerNumber: '+8613800138000', callerName: '张伟', dialledNumber: '800', args: ['inbound', '800'] });
  t.ok(arrived.at instanceof Date && !Number.isNaN(arrived.at.getTime()));
  const caller = placed.channelId;

  await telephony.answer(caller);
  await next('answered', caller);

  const prompt = await telephony.play(caller, ['sound:hello-world']);
  await next('prompt.started', caller);
  t.equal(await prompt.finished, 'done', 'prompt played out');
  t.match(simulator.control.callState(caller)?.heard, ['sound:hello-world']);

  const long = await telephony.play(caller, ['sound:demo-congrats']);
  await long.stop();
  t.equal(await long.finished, 'done', 'a stopped prompt ends done');

  await simulator.control.pressKeys(caller, '42');
  t.match(await next('key.pressed', caller), { digit: '4', durationMs: 280 });
  t.match(await next('key.pressed', caller), { digit: '2' });

  await telephony.startMusicOnHold(caller);
  t.equal(simulator.control.callState(caller)?.musicOnHold, true);
  await telephony.stopMusicOnHold(caller);
  t.equal(simulator.control.callState(caller)?.musicOnHold, false);

  await telephony.setVariable(caller, 'RINGSIDE_QUEUE', 'support');
  t.equal(await telephony.getVariable(caller, 'RINGSIDE_QUEUE'), 'support');
  t.equal(await telephony.getVariable(caller, 'NOT_SET_ANYWHERE'), null);

  const agent = await telephony.originate({ endpoint: 'PJSIP/1001', callerId: '"Ringside" <+8613800138000>', timeoutSeconds: 20, appArgs: ['agent', caller] });
  t.match(await next('leg.answered', agent.channelId), { args: ['agent', caller] });

  const { bridgeId } = await telephony.createBridge();
  await telephony.addToBridge(bridgeId, [caller, agent.channelId]);
  await next('bridge.entered', caller);
  await next('bridge.entered', agent.channelId);
  t.equal(simulator.control.callState(caller)?.bridgeId, bridgeId);

  await telephony.hold(caller);
  t.equal(simulator.control.callState(caller)?.onHold, true, 'hold (no event, like Asterisk)');
  await telephony.unhold(caller);

  const snoop = await telephony.snoop(caller, { spy: 'both', whisper: 'none', appArgs: ['supervisor', 'listen'] });
  t.match(await next('leg.answered', snoop.channelId), { args: ['supervisor', 'listen'] });

  await telephony.removeFromBridge(bridgeId, [agent.channelId]);
  await next('bridge.left', agent.channelId);
  await telephony.hangup(agent.channelId);
  t.match(await next('hung-up', agent.channelId), { byPhone: false });

  const busy = await telephony.originate({ endpoint: 'PJSIP/1002', timeoutSeconds: 5, appArgs: ['agent', caller] });
  t.match(await next('leg.failed', busy.channelId), { reason: 'busy', cause: 17 });
  const noAnswer = await telephony.originate({ endpoint: 'PJSIP/1003', timeoutSeconds: 1, appArgs: ['agent', caller] });
  t.match(await next('leg.failed', noAnswer.channelId, 10_000), { reason: 'no-answer', cause: 19 });
  await t.rejects(telephony.originate({ endpoint: 'PJSIP/nosuch', timeoutSeconds: 5, appArgs: [] }), { name: 'TelephonyError', code: 'unreachable' });
  await t.rejects(telephony.originate({ endpoint: 'nosuch', timeoutSeconds: 5, appArgs: [] }), { name: 'TelephonyError', code: 'invalid' });

  await telephony.removeFromBridge(bridgeId, [caller]);
  await next('bridge.left', caller);
  await telephony.destroyBridge(bridgeId);

  await telephony.record(caller, { name: `vm-${Date.now()}`, maxDurationSeconds: 2, beep: true, terminateOn: '#' });
  t.match(await next('recording.finished', caller, 10_000), { state: 'done' });

  t.match(await telephony.listChannels(), [{ channelId: caller, state: 'Up' }]);
  await telephony.hangup(caller);
  t.match(await next('hung-up', caller), { byPhone: false, cause: 32 });
  await t.rejects(telephony.answer(caller), { name: 'TelephonyError', code: 'not_found' });
  await waitUntil(() => telephony.trackedCount() === 0, 5000, 'the adapter to forget ended channels');
});

t.test('continue in dialplan leaves the application; the phone hanging up is reported', async (t) => {
  const { simulator, telephony, next } = await startTelephonyRig(t);
  const first = await simulator.control.placeCall({ from: '+14155550123', to: '800' });
  await next('call.arrived', first.channelId);
  await telephony.continueInDialplan(first.channelId, { context: 'ringside-down', extension: '800', priority: 1 });
  await next('left-application', first.channelId);
  t.equal(simulator.control.callState(first.channelId)?.ended, false, 'the call lives on in the dialplan');

  const second = await simulator.control.placeCall({ from: 'anonymous', to: '800', script: [{ at: 0.5, hangup: true }] });
  t.match(await next('call.arrived', second.channelId), { callerNumber: 'anonymous' });
  t.match(await next('hung-up', second.channelId), { byPhone: true });
});

t.test('reconnects after the WebSocket drops, with calls in progress', async (t) => {
  const { simulator, telephony, next, logs } = await startTelephonyRig(t);
  const placed = await simulator.control.placeCall({ from: '+14155550123', to: '800' });
  await next('call.arrived', placed.channelId);
  await telephony.answer(placed.channelId);
  await telephony.startMusicOnHold(placed.channelId);
  const reconnected = new Promise<boolean>((resolve) => telephony.onConnected(resolve));
  simulator.control.dropConnections();
  t.equal(await reconnected, true, 'reconnected');
  t.equal(telephony.isConnected(), true);
  t.match(await telephony.listChannels(), [{ channelId: placed.channelId }], 'the call survived in the application');
  const prompt = await telephony.play(placed.channelId, ['sound:hello-world']);
  t.equal(await prompt.finished, 'done', 'events flow again on the new socket');
  await telephony.hangup(placed.channelId);
  await next('hung-up', placed.channelId);
  t.ok(logs.some((line) => line.includes('"reconnected":true')), 'the reconnection is logged');
});
