import t from 'tap';
import { App, delay, rest, simulator } from './helpers.js';
import type { Event } from './helpers.js';

t.test('2,000 short calls leave no channel, playback, timer or subscription behind', async (t) => {
  const sim = await simulator({
    timeScale: 0.01,
    endpoints: { 'PJSIP/agent': { behaviour: 'answer', answerAfterMs: 100, hangupAfterMs: 300 }, 'PJSIP/busy': { behaviour: 'busy' } },
  });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  let handled = 0;
  const work: Array<Promise<unknown>> = [];
  app.ws.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString('utf8')) as Event;
    if (event.type !== 'StasisStart') return;
    const id = (event.channel as { id: string }).id;
    if ((event.args as string[])[0] !== 'inbound') return;
    handled++;
    const n = handled;
    work.push(
      (async () => {
        await rest(sim.url, 'POST', `/channels/${id}/answer`);
        await rest(sim.url, 'POST', `/channels/${id}/play?media=sound:hello-world,sound:vm-press`);
        if (n % 10 === 0) {
          await rest(sim.url, 'POST', `/bridges?bridgeId=b${n}`);
          await rest(sim.url, 'POST', `/bridges/b${n}/addChannel?channel=${id}`);
          await rest(sim.url, 'POST', `/channels?endpoint=PJSIP/agent&app=ringside&channelId=a${n}`);
          await rest(sim.url, 'POST', `/channels?endpoint=PJSIP/busy&app=ringside&channelId=x${n}`);
          await rest(sim.url, 'POST', `/channels/${id}/snoop?app=ringside&spy=both`);
          await rest(sim.url, 'POST', `/channels/${id}/record?name=r${n}&format=wav&maxDurationSeconds=1`);
        }
      })().catch(() => undefined),
    );
  });

  const total = 2000;
  for (let i = 0; i < total; i++) {
    await sim.control.placeCall({ from: `+1415555${String(i).padStart(4, '0')}`, to: '800', script: [{ at: 1 + (i % 5) * 0.2, hangup: true }] });
    if (i % 200 === 199) await delay(5);
  }
  for (let waited = 0; (handled < total || sim.pbx.channels.size > 0) && waited < 30_000; waited += 50) await delay(50);
  await Promise.all(work);
  // The agent channels hang up by themselves shortly after answering.
  for (let waited = 0; sim.pbx.channels.size > 0 && waited < 10_000; waited += 50) await delay(50);
  for (const bridge of [...sim.pbx.bridges.keys()]) await rest(sim.url, 'DELETE', `/bridges/${bridge}`);
  await delay(50);

  t.equal(handled, total, 'every call reached the application');
  t.equal(sim.pbx.channels.size, 0, 'channels');
  t.equal(sim.pbx.bridges.size, 0, 'bridges');
  t.equal(sim.pbx.playbacks.size, 0, 'playbacks');
  t.equal(sim.pbx.recordings.size, 0, 'live recordings');
  t.equal(sim.pbx.scheduler.pending(), 0, 'timers');
  t.equal(sim.pbx.scheduler.owners(), 0, 'timer owners');
  t.equal(sim.pbx.apps.size(), 1, 'only the connected application is registered');
  t.same((sim.pbx.apps.get('ringside') as { channel_ids: string[]; bridge_ids: string[] }).channel_ids, []);
  t.ok(sim.pbx.history.size <= 1000, 'ended-call history stays bounded');
  t.same(sim.control.stats(), { channels: 0, bridges: 0, connectedApps: ['ringside'] });
  app.close();
});
