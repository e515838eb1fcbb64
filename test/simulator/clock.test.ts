import t from 'tap';
import { asteriskTimestamp, ManualClock, Scheduler } from '../../src/telephony/simulator/clock.js';
import { App, rest, runUntil, simulator } from './helpers.js';

t.test('ManualClock runs due timers in time order, ties in the order they were set, each at its own instant', async (t) => {
  const clock = new ManualClock(1000);
  const ran: Array<[string, number]> = [];
  clock.schedule(30, () => ran.push(['c', clock.now()]));
  clock.schedule(10, () => {
    ran.push(['a', clock.now()]);
    clock.schedule(5, () => ran.push(['a+5', clock.now()]));
  });
  clock.schedule(10, () => ran.push(['b', clock.now()]));
  const cancel = clock.schedule(20, () => ran.push(['cancelled', clock.now()]));
  cancel();
  t.equal(clock.advance(9), 0, 'nothing due yet');
  t.equal(clock.now(), 1009);
  t.equal(clock.advance(21), 4);
  t.same(ran, [['a', 1010], ['b', 1010], ['a+5', 1015], ['c', 1030]]);
  t.equal(clock.pending(), 0);
  t.throws(() => clock.advance(-1), RangeError);
  clock.schedule(100, () => ran.push(['d', clock.now()]));
  t.notOk(clock.runNext(1100), 'runNext respects its limit');
  t.equal(clock.nextDue(), 1130);
  t.ok(clock.runNext());
  t.equal(clock.now(), 1130);
  clock.advanceTo(1000);
  t.equal(clock.now(), 1130, 'time never goes back');
});

t.test('Scheduler on a manual clock: scaled timers, owners, elapsed simulated time', async (t) => {
  const clock = new ManualClock(0);
  const scheduler = new Scheduler(0.5, clock);
  let fired = 0;
  scheduler.after('x', 100, () => fired++);
  const timer = scheduler.after('x', 100, () => fired++);
  scheduler.after('y', 100, () => fired++);
  scheduler.cancel('x', timer);
  scheduler.cancelOwner('y');
  t.equal(scheduler.pending(), 1);
  clock.advance(49);
  t.equal(fired, 0);
  clock.advance(1);
  t.equal(fired, 1, 'simulated 100 ms is 50 clock ms at timeScale 0.5');
  t.equal(scheduler.pending(), 0);
  t.equal(scheduler.owners(), 0);
  t.equal(scheduler.elapsedSince(0), 100);
});

t.test('a simulator on a manual clock shows the clock time and waits for it', async (t) => {
  const start = Date.UTC(2030, 0, 2, 3, 4, 5, 6);
  const clock = new ManualClock(start);
  const sim = await simulator({ clock });
  t.teardown(() => sim.close());
  const app = await App.connect(sim.url, 'ringside');
  const received = (): number => app.events.length;
  const { channelId } = await sim.control.placeCall({ from: '+1', to: '800' });
  const stasisStart = await app.wait('StasisStart');
  t.equal(stasisStart.timestamp, asteriskTimestamp(start));
  t.match(stasisStart.channel, { id: new RegExp(`^${Math.floor(start / 1000)}\\.`), creationtime: asteriskTimestamp(start) });
  await rest(sim.url, 'POST', `/channels/${channelId}/answer`);
  await rest(sim.url, 'POST', `/channels/${channelId}/play?media=sound:hello-world`);
  await app.wait('PlaybackStarted');
  t.equal(sim.control.callState(channelId)?.playing, 'sound:hello-world', 'nothing moves while the clock stands still');
  await runUntil(sim, clock, received, () => app.events.some((e) => e.type === 'PlaybackFinished'));
  t.equal(clock.now() - start, 1420, 'hello-world lasts 1.42 s');
  t.equal((await app.wait('PlaybackFinished')).timestamp, asteriskTimestamp(start + 1420));
  t.equal(sim.control.callState(channelId)?.silentSince, start + 1420);
  app.close();
});
