import t from 'tap';
import ari from 'ari-client';
import type { Channel, PlaybackFinished, StasisStart } from 'ari-client';
import { rest, simulator } from './helpers.js';

t.test('real ari-client drives the simulator over HTTP and WebSocket', async (t) => {
  const sim = await simulator({ timeScale: 0.05, endpoints: { 'PJSIP/1001': { behaviour: 'answer', answerAfterMs: 400 } } });
  t.teardown(() => sim.close());
  const client = await ari.connect(sim.url, 'ringside', 'secret');
  t.teardown(() => client.stop());

  const started = new Map<string, { event: StasisStart; channel: Channel }>();
  const waiters = new Map<string, (c: Channel) => void>();
  client.on('StasisStart', (event, channel) => {
    started.set(channel.id, { event, channel });
    waiters.get(event.args[0] ?? '')?.(channel);
  });
  const startedWith = (arg: string): Promise<Channel> => new Promise((resolve) => waiters.set(arg, resolve));

  await client.start('ringside');
  const inbound = startedWith('inbound');
  const placed = await sim.control.placeCall({ from: '+14155550123', fromName: 'Test Customer', to: '800' });
  const caller = await inbound;
  t.equal(caller.id, placed.channelId);
  t.equal(caller.caller.number, '+14155550123');

  await caller.answer();
  const playback = client.Playback();
  const finished = new Promise<PlaybackFinished>((resolve) => playback.once('PlaybackFinished', (event) => resolve(event)));
  await caller.play({ media: 'sound:hello-world' }, playback);
  t.equal((await finished).playback.state, 'done');
  t.same(sim.control.callState(caller.id)?.heard, ['sound:hello-world']);

  const agentStarted = startedWith('agent');
  const agent = client.Channel();
  await agent.originate({ endpoint: 'PJSIP/1001', app: 'ringside', appArgs: `agent,${caller.id}`, callerId: '"Test Customer" <+14155550123>' });
  const agentChannel = await agentStarted;
  t.equal(agentChannel.id, agent.id, 'the client-chosen id is used');

  const bridge = client.Bridge();
  await bridge.create({ type: 'mixing', name: 'call' });
  await bridge.addChannel({ channel: [caller.id, agent.id] });
  const details = await client.bridges.get({ bridgeId: bridge.id });
  t.same(details.channels, [caller.id, agent.id]);
  t.equal(details.technology, 'native_rtp');

  const missing = await client.channels.get({ channelId: 'nope' }).then(
    () => 'found',
    (error: Error) => error.message,
  );
  t.match(missing, /Channel not found/);

  const ended = new Promise<void>((resolve) => client.on('StasisEnd', (_e, channel) => channel.id === caller.id && resolve()));
  await caller.hangup();
  await ended;
  await agent.hangup();
  await bridge.destroy();
  t.same((await rest(sim.url, 'GET', '/channels')).body, []);
});
