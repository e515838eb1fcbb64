import t from 'tap';
import type { Flow } from '../../src/ivr/schema.js';
import { startIvrRig } from '../helpers/ivr.js';
import { waitUntil } from '../helpers/telephony.js';

const flow: Flow = {
  name: 'load',
  default: true,
  start: 'menu',
  steps: {
    menu: { type: 'menu', prompts: ['sound:hello-world'], options: { '1': 'tag', '2': 'queue' }, timeout: 2, retries: 0, fallback: 'bye' },
    tag: { type: 'set', tags: ['sales'], next: 'bye' },
    queue: { type: 'queue', queue: 'support' },
    bye: { type: 'hangup', prompts: ['sound:vm-goodbye'] },
  },
};

const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

t.test('1,000 concurrent calls through the IVR all complete, and memory returns to its starting level', async (t) => {
  const rig = await startIvrRig(t, [flow], { timeScale: 0.05 });
  const place = (count: number, offset: number) =>
    Promise.all(
      Array.from({ length: count }, (_, n) =>
        rig.simulator.control.placeCall({
          from: `+86138${String(10_000_000 + offset + n)}`,
          to: '800',
          // one in three waits in the queue and hangs up; the others choose 1 and are hung up by the flow
          script: n % 3 === 0 ? [{ at: 2, press: '2' }, { at: 20, hangup: true }] : [{ at: 2, press: '1' }],
        }),
      ),
    );
  const closedCount = async () => {
    await rig.recorder.settled();
    const { rows } = await rig.db.pool.query<{ closed: number }>('SELECT count(*)::int AS closed FROM interactions WHERE ended_at IS NOT NULL');
    return rows[0]!.closed;
  };
  const settle = async (expected: number) => {
    const deadline = Date.now() + 60_000;
    while ((await closedCount()) < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if ((await closedCount()) < expected) {
      const counts: Record<string, number> = {};
      for (const line of rig.lines) {
        const msg = (JSON.parse(line) as { msg: string }).msg;
        counts[msg] = (counts[msg] ?? 0) + 1;
      }
      t.comment(JSON.stringify({ closed: await closedCount(), tracked: rig.calls.trackedCount(), runs: rig.ivr.activeRuns(), sim: rig.simulator.control.stats(), counts }));
      t.comment(rig.lines.filter((line) => line.includes('"level":50') || line.includes('"level":40')).slice(0, 3).join('\n'));
      const { rows: open } = await rig.db.pool.query<{ call_id: string }>('SELECT call_id FROM interactions WHERE ended_at IS NULL LIMIT 2');
      for (const row of open) {
        t.comment(rig.lines.filter((line) => line.includes(`"${row.call_id}"`)).join(' | '));
        t.comment(JSON.stringify(rig.simulator.control.callState(row.call_id)));
      }
    }
    await waitUntil(() => rig.calls.trackedCount() === 0 && rig.ivr.activeRuns() === 0, 10_000, 'every call to finish');
    t.equal(await closedCount(), expected, `${expected} interactions closed`);
  };

  // A first thousand warms up the process and fills the simulator's memory of recently ended calls (it keeps 1,000).
  await place(1000, 0);
  await settle(1000);
  const before = heapMb();

  const started = Date.now();
  const placed = await place(1000, 1000);
  await waitUntil(() => rig.calls.activeCalls() >= 900 || rig.calls.trackedCount() === 0, 10_000, 'the calls to be in progress together').catch(() => undefined);
  await settle(2000);
  const { rows } = await rig.db.pool.query<{ outcome: string; count: number }>(
    "SELECT outcome, count(*)::int AS count FROM interactions WHERE call_id = ANY($1) GROUP BY outcome ORDER BY outcome",
    [placed.map((call) => call.channelId)],
  );
  t.same(rows, [
    { outcome: 'abandoned', count: 334 },
    { outcome: 'completed', count: 666 },
  ], 'every call has its outcome');
  t.equal(rig.telephony.trackedCount(), 0, 'the adapter holds nothing');
  t.equal(rig.simulator.control.stats().channels, 0, 'no channel left');
  t.equal(rig.recorder.pending(), 0, 'no write pending');
  const after = heapMb();
  t.ok(after < before * 1.25 + 8, `heap back to its starting level: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after (${Date.now() - started} ms)`);
});
