/**
 * Calls end to end over ARI. The first two tests look at the simulator between its timers (what is playing, who hears
 * what), so they run on a ManualClock and move time themselves; the last one keeps the real clock.
 */
import t from 'tap';
import { ManualClock } from '../../src/telephony/simulator/clock.js';
import { App, rest, runUntil, settle, simulator } from './helpers.js';
import type { Event } from './helpers.js';

const idOf = (e: Event): string | undefined => (e.channel as { id?: string } | undefined)?.id;

t.test('inbound call: StasisStart, answer, play, DTMF, caller hangs up', async (t) => {
  const clock = new ManualClock();
  const sim = await simulator({ timeScale: 0.05, clock });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  const received = (): number => app.events.length;
  const placed = await sim.control.placeCall({ from: '+14155550123', fromName: 'Test Customer', to: '800' });
  t.equal(placed.app, 'ringside');
  const start = await app.wait('StasisStart');
  t.same(start.args, ['inbound', '800']);
  const channel = start.channel as Record<string, unknown>;
  t.match(channel, { id: placed.channelId, state: 'Ring', caller: { name: 'Test Customer', number: '+14155550123' }, dialplan: { exten: '800', app_name: 'Stasis' } });
  t.match(String(channel.id), /^\d+\.\d+$/);
  t.match(String(start.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  t.equal((await rest(sim.url, 'POST', `/channels/${placed.channelId}/answer`)).status, 204);
  await app.wait('ChannelStateChange');
  const played = await rest(sim.url, 'POST', `/channels/${placed.channelId}/play?media=sound:hello-world&playbackId=pb1`);
  t.equal(played.status, 201);
  t.match(played.body, { id: 'pb1', media_uri: 'sound:hello-world', target_uri: `channel:${placed.channelId}`, state: 'queued' });
  await app.wait('PlaybackStarted');
  t.equal(sim.control.callState(placed.channelId)?.playing, 'sound:hello-world');
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'PlaybackFinished'));
  const finished = await app.wait('PlaybackFinished');
  t.match(finished.playback, { state: 'done' });

  let pressed = false;
  const pressing = sim.control.pressKeys(placed.channelId, '1#', 100).then(() => {
    pressed = true;
  });
  await runUntil(sim, clock, received, () => pressed);
  await pressing;
  const dtmf = app.events.filter((e) => e.type === 'ChannelDtmfReceived');
  t.same(dtmf.map((e) => [e.digit, e.duration_ms]), [['1', 280], ['#', 280]]);

  await sim.control.hangup(placed.channelId);
  const request = await app.wait('ChannelHangupRequest');
  t.notOk('cause' in request, 'a phone hang-up carries no cause');
  await app.wait('StasisEnd');
  await settle(sim, received);
  t.same(app.ofChannel(placed.channelId).filter((type) => type !== 'ChannelVarset'), [
    'StasisStart',
    'ChannelStateChange',
    'ChannelDtmfReceived',
    'ChannelDtmfReceived',
    'ChannelHangupRequest',
    'StasisEnd',
  ]);
  t.same((await rest(sim.url, 'GET', `/channels/${placed.channelId}`)).body, { message: 'Channel not found' });
  const state = sim.control.callState(placed.channelId);
  t.match(state, { ended: true, heard: ['sound:hello-world'], state: 'Down' });
  app.close();
});

t.test('originate to agent, bridge, agent hangs up; caller stays until the app hangs up', async (t) => {
  const clock = new ManualClock();
  const sim = await simulator({ timeScale: 0.05, clock, endpoints: { 'PJSIP/1001': { behaviour: 'answer', answerAfterMs: 500, hangupAfterMs: 2000 } } });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  const received = (): number => app.events.length;
  const { channelId } = await sim.control.placeCall({ from: '+1415', fromName: 'Test', to: '800' });
  await app.wait('StasisStart');
  await rest(sim.url, 'POST', `/channels/${channelId}/answer`);
  const bridge = await rest(sim.url, 'POST', '/bridges?type=mixing&bridgeId=b1&name=call');
  t.match(bridge, { status: 200, body: { id: 'b1', technology: 'simple_bridge', bridge_type: 'mixing', channels: [] } });
  t.equal((await rest(sim.url, 'POST', `/bridges/b1/addChannel?channel=${channelId}`)).status, 204);
  const originated = await rest(sim.url, 'POST', `/channels?endpoint=PJSIP%2F1001&app=ringside&appArgs=agent,${channelId}&callerId=%22Test%22%20%3C%2B1415%3E&channelId=agent-1`);
  t.match(originated, { status: 200, body: { id: 'agent-1', state: 'Down', caller: { name: 'Test', number: '+1415' } } });
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'StasisStart' && idOf(e) === 'agent-1'));
  const agentStart = await app.wait('StasisStart', (e) => idOf(e) === 'agent-1');
  t.same(agentStart.args, ['agent', channelId]);
  await rest(sim.url, 'POST', '/bridges/b1/addChannel?channel=agent-1');
  await app.wait('ChannelConnectedLine');
  t.equal(sim.control.callState(channelId)?.bridgeId, 'b1');
  t.equal(sim.control.callState(channelId)?.silentSince, null);
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'ChannelDestroyed' && idOf(e) === 'agent-1'));
  t.same(app.ofChannel('agent-1').filter((type) => type !== 'ChannelVarset'), [
    'Dial',
    'ChannelStateChange',
    'Dial',
    'ChannelStateChange',
    'Dial',
    'StasisStart',
    'ChannelEnteredBridge',
    'ChannelHangupRequest',
    'ChannelLeftBridge',
    'StasisEnd',
    'ChannelDestroyed',
  ]);
  t.match((await rest(sim.url, 'GET', '/bridges/b1')).body, { channels: [channelId] });
  t.equal((await rest(sim.url, 'GET', `/channels/${channelId}`)).status, 200);
  t.not(sim.control.callState(channelId)?.silentSince, null, 'alone in the bridge the caller hears nothing');
  t.equal((await rest(sim.url, 'DELETE', `/channels/${channelId}?reason=normal`)).status, 204);
  const request = await app.wait('ChannelHangupRequest', (e) => (e.channel as { id: string }).id === channelId);
  t.match(request, { cause: 32, soft: true });
  t.equal((await rest(sim.url, 'DELETE', '/bridges/b1')).status, 204);
  await app.wait('BridgeDestroyed');
  t.same(sim.control.stats(), { channels: 0, bridges: 0, connectedApps: ['ringside'] });
  app.close();
});

t.test('originate failures and busy / no answer', async (t) => {
  const sim = await simulator({ timeScale: 0.05, endpoints: { 'PJSIP/busy': { behaviour: 'busy' }, 'PJSIP/late': { behaviour: 'no-answer' } } });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  t.same(await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/nosuch&app=ringside'), { status: 500, body: { error: 'Allocation failed' } });
  t.same(await rest(sim.url, 'POST', '/channels?endpoint=nosuch&app=ringside'), { status: 400, body: { message: 'Invalid endpoint specified' } });
  t.same(await rest(sim.url, 'POST', '/channels?endpoint=SIP/x&app=ringside'), { status: 500, body: { error: 'Allocation failed' } });
  t.equal((await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/busy&app=ringside&channelId=b')).status, 200);
  const destroyed = await app.wait('ChannelDestroyed', (e) => (e.channel as { id: string }).id === 'b');
  t.match(destroyed, { cause: 17, cause_txt: 'User busy', tech_cause: 486 });
  t.same(app.ofChannel('b'), ['Dial', 'ChannelHangupRequest', 'Dial', 'ChannelDestroyed']);
  t.equal((await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/late&app=ringside&channelId=n&timeout=2')).status, 200);
  const timedOut = await app.wait('ChannelDestroyed', (e) => (e.channel as { id: string }).id === 'n');
  t.match(timedOut, { cause: 19, tech_cause: 480 });
  t.same(app.ofChannel('n'), ['Dial', 'ChannelStateChange', 'Dial', 'ChannelDestroyed']);
  t.equal((await rest(sim.url, 'GET', '/channels', undefined, 'Basic eDp5')).status, 401);
  app.close();
});
