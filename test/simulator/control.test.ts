import t from 'tap';
import { ManualClock } from '../../src/telephony/simulator/clock.js';
import { parseScenario } from '../../src/telephony/simulator/scenario.js';
import { App, delay, rest, runUntil, simulator } from './helpers.js';

async function control(base: string, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}/simulator${path}`, {
    method,
    headers: { 'content-type': raw !== undefined ? 'text/plain' : 'application/json' },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

t.test('scenario grammar: errors name the line and the reason', async (t) => {
  t.throws(() => parseScenario('t=0 call from +1 to 800 as c1\nt=1 dance c1'), /line 2: unknown action "dance c1"/);
  t.throws(() => parseScenario('call from +1 to 800'), /line 1: expected "t=<seconds> <action>"/);
  t.throws(() => parseScenario('t=1 press 1 on c9'), /line 1: no call named "c9"/);
  t.throws(() => parseScenario('t=0 call from +1 to 8 as c1\nt=0 call from +2 to 8 as c1'), /line 2: call name "c1" is already used/);
  const steps = parseScenario(`# comment
t=0    call from +14155550123 "Test Customer" to 800 as c1
t=2.5  press 2 on c1   # trailing comment
t=3    press 1234# on c1
t=40   hangup c1
t=0    endpoint PJSIP/1001 answers after 2
t=0    endpoint PJSIP/1002 busy
t=1    endpoint PJSIP/1003 answers after 1 and hangs up after 30
t=5    answer PJSIP/1004
t=6    hangup PJSIP/1001
t=7    drop connections ringside`);
  t.equal(steps.length, 10);
  t.match(steps[0], { line: 2, at: 0, step: { kind: 'call', from: '+14155550123', fromName: 'Test Customer', to: '800', as: 'c1' } });
  t.match(steps[2], { line: 4, at: 3, step: { kind: 'press', digits: '1234#', call: 'c1' } });
  t.match(steps[6], { step: { kind: 'endpoint', behaviour: { behaviour: 'answer', answerAfterMs: 1000, hangupAfterMs: 30000 } } });
});

t.test('scenario runs calls and phones over time', async (t) => {
  // On a manual clock: with real timers a busy machine let the hang-up at t=3 overtake the second digit.
  const clock = new ManualClock();
  const sim = await simulator({ timeScale: 0.02, clock });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  const received = (): number => app.events.length;
  const begin = clock.now();
  await sim.control.runScenario(`
t=0 endpoint PJSIP/1001 answers after 1
t=0 call from +1555 "Ann" to 800 as c1
t=1 press 12 on c1
t=3 hangup c1`);
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'StasisEnd'));
  t.ok(Math.abs(clock.now() - begin - 3000 * 0.02) < 0.01, 'the call ended at t=3 (scaled)');
  const start = await app.wait('StasisStart');
  const id = (start.channel as { id: string }).id;
  t.same(app.ofChannel(id), ['StasisStart', 'ChannelDtmfReceived', 'ChannelDtmfReceived', 'ChannelHangupRequest', 'StasisEnd']);
  t.equal((await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/1001&app=ringside&channelId=ag')).status, 200);
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'StasisStart' && (e.channel as { id: string }).id === 'ag'));
  app.close();
});

t.test('HTTP control API', async (t) => {
  const sim = await simulator({ timeScale: 0.02 });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  t.match(await control(sim.url, 'POST', '/calls', {}), { status: 400, body: { message: /from/ } });
  t.match(await control(sim.url, 'POST', '/calls', { from: '+1', to: '8', script: [{ at: -1, hangup: true }] }), { status: 400, body: { message: /script\[0\]\.at/ } });
  t.match(await control(sim.url, 'POST', '/calls', 'nonsense'), { status: 400 });
  const placed = await control(sim.url, 'POST', '/calls', { from: '+1555', to: '800' });
  t.match(placed, { status: 201, body: { app: 'ringside' } });
  const id = (placed.body as { channelId: string }).channelId;
  t.match(await control(sim.url, 'GET', `/calls/${id}`), { status: 200, body: { channelId: id, state: 'Ring', ended: false } });
  t.match(await control(sim.url, 'POST', `/calls/${id}/dtmf`, { digits: 'x' }), { status: 400 });
  t.equal((await control(sim.url, 'POST', `/calls/${id}/dtmf`, { digits: '5', intervalMs: 10 })).status, 204);
  await app.wait('ChannelDtmfReceived');
  t.match(await control(sim.url, 'PUT', '/endpoints/PJSIP/1001', { behaviour: 'sing' }), { status: 400, body: { message: /behaviour must be one of/ } });
  t.equal((await control(sim.url, 'PUT', '/endpoints/PJSIP/1001', { behaviour: 'manual' })).status, 204);
  await rest(sim.url, 'POST', '/channels?endpoint=PJSIP/1001&app=ringside&channelId=m1');
  await app.wait('Dial', (e) => e.dialstatus === 'RINGING');
  t.equal((await control(sim.url, 'POST', '/endpoints/PJSIP/1001/answer')).status, 204);
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'm1');
  t.equal((await control(sim.url, 'POST', '/endpoints/PJSIP/1001/hangup')).status, 204);
  await app.wait('ChannelDestroyed');
  t.match(await control(sim.url, 'POST', '/endpoints/PJSIP/1001/hangup'), { status: 409 });
  t.match(await control(sim.url, 'POST', '/scenarios', undefined, 't=0 explode'), { status: 400, body: { message: /line 1/ } });
  t.equal((await control(sim.url, 'POST', '/scenarios', undefined, `t=0 hangup PJSIP/none`)).status, 202);
  t.equal((await control(sim.url, 'POST', `/calls/${id}/hangup`)).status, 204);
  t.match(await control(sim.url, 'GET', `/calls/${id}`), { body: { ended: true } });
  t.match(await control(sim.url, 'GET', '/stats'), { status: 200, body: { channels: 0, bridges: 0, connectedApps: ['ringside'] } });
  t.equal((await control(sim.url, 'POST', '/drop-connections?app=ringside')).status, 204);
  await delay(20);
  t.same(sim.control.stats().connectedApps, []);
  t.match(await control(sim.url, 'GET', '/nothing'), { status: 404 });
});

t.test('one WebSocket per application; calls survive the application going away', async (t) => {
  const sim = await simulator({ timeScale: 0.02, dialplanApps: ['a', 'b'] });
  t.teardown(() => sim.close());
  const first = await App.connect(sim.url, 'b');
  const second = await App.connect(sim.url, 'b');
  await first.wait('ApplicationReplaced');
  const { channelId, app } = await sim.control.placeCall({ from: '+1', to: '800' });
  t.equal(app, 'b', 'a is not connected, so the dialplan tries b');
  await second.wait('StasisStart');
  t.notOk(first.events.some((e) => e.type === 'StasisStart'), 'the replaced socket hears nothing more');
  await rest(sim.url, 'POST', `/channels/${channelId}/answer`);
  await rest(sim.url, 'POST', `/channels/${channelId}/moh`);
  sim.control.dropConnections('b');
  await delay(20);
  t.match((await rest(sim.url, 'GET', '/applications/b')).body, { name: 'b', channel_ids: [channelId] });
  t.equal(sim.control.callState(channelId)?.musicOnHold, true);
  const none = await sim.control.placeCall({ from: '+2', to: '800' });
  t.equal(none.app, null, 'no application: the fallback dialplan takes the call');
  t.match(sim.control.callState(none.channelId), { app: null, state: 'Up' });
  const third = await App.connect(sim.url, 'b');
  await rest(sim.url, 'DELETE', `/channels/${channelId}`);
  await third.wait('StasisEnd');
  t.same(third.ofChannel(channelId), ['ChannelVarset', 'ChannelVarset', 'ChannelVarset', 'ChannelVarset', 'ChannelVarset', 'ChannelHangupRequest', 'StasisEnd']);
  first.close();
  second.close();
  third.close();
});
