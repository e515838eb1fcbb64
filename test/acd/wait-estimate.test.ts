import t from 'tap';
import { estimateWaitSeconds, nextAnnouncedWait, waitAnnouncement } from '../../src/acd/wait-estimate.js';

t.test('the estimate: position × handle time / agents working', async (t) => {
  t.equal(estimateWaitSeconds(1, 1, 180), 180);
  t.equal(estimateWaitSeconds(6, 3, 120), 240);
  t.equal(estimateWaitSeconds(1, 4, 100), 25);
  t.equal(estimateWaitSeconds(3, 0, 120), null, 'nobody working: no estimate');
  t.equal(estimateWaitSeconds(0, 2, 120), null);
  t.equal(estimateWaitSeconds(2, 2, Number.NaN), null);
});

t.test('never announced higher than last time, unless the situation changed sharply', async (t) => {
  t.equal(nextAnnouncedWait(undefined, 300), 300, 'first announcement: as estimated');
  t.equal(nextAnnouncedWait(300, 200), 200, 'lower: told');
  t.equal(nextAnnouncedWait(300, 420), 300, '1.4× higher: the last figure is kept');
  t.equal(nextAnnouncedWait(300, 460), 460, 'more than 1.5× and 60 s higher: the truth');
  t.equal(nextAnnouncedWait(20, 70), 20, 'more than 1.5× but only 50 s: kept');
  t.equal(nextAnnouncedWait(20, 90), 90);
});

t.test('what the caller hears', async (t) => {
  t.same(waitAnnouncement(1, 40), ['sound:queue-youarenext', 'sound:queue-holdtime', 'sound:queue-less-than', 'number:1', 'sound:queue-minute', 'sound:queue-thankyou']);
  t.same(waitAnnouncement(4, 150), ['sound:queue-thereare', 'number:3', 'sound:queue-callswaiting', 'sound:queue-holdtime', 'sound:queue-about', 'number:3', 'sound:queue-minutes', 'sound:queue-thankyou']);
  t.same(waitAnnouncement(null, 60), ['sound:queue-holdtime', 'sound:queue-about', 'number:1', 'sound:queue-minute', 'sound:queue-thankyou']);
  t.same(waitAnnouncement(null, null), [], 'nothing to say: silence (music)');
});
