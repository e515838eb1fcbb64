import t from 'tap';
import { App, rest, simulator } from './helpers.js';

t.test('callState shows the snoops on a channel with their spy / whisper directions and bridge, and each snoop what it snoops on', async (t) => {
  const sim = await simulator({ timeScale: 0.05, endpoints: { 'PJSIP/agent': { behaviour: 'answer', answerAfterMs: 100 }, 'PJSIP/sup': { behaviour: 'answer', answerAfterMs: 100 } } });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  t.teardown(() => app.close());
  const { channelId: caller } = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === caller);
  await rest(sim.url, 'POST', `/channels/${caller}/answer`);
  await rest(sim.url, 'POST', '/bridges?type=mixing&bridgeId=call');
  await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/agent&app=ringside&appArgs=agent&channelId=agent-leg');
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'agent-leg');
  await rest(sim.url, 'POST', `/bridges/call/addChannel?channel=${caller},agent-leg`);
  t.same(sim.control.callState('agent-leg')?.snoops, [], 'no snoop yet');
  t.equal(sim.control.callState('agent-leg')?.snoopOf, null);

  const listen = await rest(sim.url, 'POST', '/channels/agent-leg/snoop?app=ringside&spy=both&whisper=none&snoopId=listen');
  t.match(listen, { status: 200, body: { id: 'listen', name: /^Snoop\/agent-leg-/ } });
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'listen');
  await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/sup&app=ringside&appArgs=supervisor&channelId=sup-leg');
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'sup-leg');
  await rest(sim.url, 'POST', '/bridges?type=mixing&bridgeId=monitor');
  await rest(sim.url, 'POST', '/bridges/monitor/addChannel?channel=listen,sup-leg');
  t.same(sim.control.callState('agent-leg')?.snoops, [{ channelId: 'listen', spy: 'both', whisper: 'none', bridgeId: 'monitor' }]);
  t.same(sim.control.callState('listen')?.snoopOf, { channelId: 'agent-leg', spy: 'both', whisper: 'none' });
  t.match(sim.control.callState('sup-leg'), { bridgeId: 'monitor', snoops: [] });

  await rest(sim.url, 'POST', '/channels/agent-leg/snoop?app=ringside&spy=both&whisper=out&snoopId=whisper');
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'whisper');
  await rest(sim.url, 'POST', '/bridges/monitor/removeChannel?channel=listen');
  await rest(sim.url, 'POST', '/bridges/monitor/addChannel?channel=whisper');
  await rest(sim.url, 'DELETE', '/channels/listen');
  t.same(sim.control.callState('agent-leg')?.snoops, [{ channelId: 'whisper', spy: 'both', whisper: 'out', bridgeId: 'monitor' }], 'the whisper snoop replaced the listening one');
  t.equal(sim.control.callState(caller)?.bridgeId, 'call', 'the caller never left the conversation');

  await rest(sim.url, 'DELETE', '/channels/agent-leg');
  await app.wait('StasisEnd', (e) => (e.channel as { id: string }).id === 'whisper');
  t.equal(sim.control.callState('whisper'), null, 'the snoop ended with the snooped channel');
  t.match(sim.control.callState('agent-leg'), { ended: true, snoops: [] });
  t.equal(app.ofChannel('whisper').includes('ChannelDestroyed'), false, 'silently: StasisEnd only, as the captures show');
});
