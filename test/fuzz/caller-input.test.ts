import fc from 'fast-check';
import t from 'tap';
import { auditCalls } from '../../src/ops/call-audit.js';
import { liveCallIds } from '../../src/ops/live-calls.js';
import { login } from '../helpers/consoles.js';
import { eventually } from '../helpers/acd-site.js';
import { apiFor, startSite } from '../helpers/site.js';
import { ARI_PASSWORD, ARI_USER } from '../helpers/telephony.js';
import { MENU_FLOW } from '../resilience/resilience-flow.js';
import { hostileString } from './schema-values.js';

const CALLS = Number(process.env.FUZZ_CALLS ?? 60);
const DTMF = '0123456789*#ABCD';

/** What a trunk can hand over as a caller: numbers in every shape, words, injection fragments, huge and Unicode strings. */
const callerNumber = fc.oneof(
  fc.constantFrom('anonymous', 'Restricted', 'unknown', '0', '+', '+86', '008613800138000', '+861380013800012345678', '13800138000'),
  fc.stringMatching(/^\+?[0-9]{1,20}$/),
  hostileString.filter((value) => value.trim() !== ''),
);
const callerName = fc.oneof(fc.constant(undefined), hostileString, fc.constant('<b>Li</b> "Wei" & co'));
/** A caller's keys: a flood, digits no menu offers, or nothing; then a hang-up at some point or never (the test does it). */
const keys = fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9*#ABCD]{1,6}$/), fc.array(fc.constantFrom(...DTMF), { minLength: 50, maxLength: 200 }).map((digits) => digits.join('')));
const call = fc.record({ from: callerNumber, fromName: callerName, keys, hangUpAfterMs: fc.integer({ min: 0, max: 1500 }) });

t.test('calls with random caller IDs, names and key floods: each ends with one final outcome, nothing crashes', async (t) => {
  const site = await startSite(t, { flow: MENU_FLOW, wrapUpSeconds: 0, logLevel: 'info', users: [{ username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } }] });
  const { simulator, server, db, ids, lines } = site;
  // The agent never hangs up first: callers leave within 2 s, so any pause at the end would be a wrong "missed".
  simulator.control.setEndpoint('PJSIP/3001', { behaviour: 'answer', answerAfterMs: 300, hangupAfterMs: 5000 });
  t.equal((await apiFor(server, await login(server, 'ann'))('POST', `/agents/${ids.ann}/state`, { action: 'login' })).status, 200);
  const since = new Date(Date.now() - 1000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  t.comment(`FUZZ_SEED=${seed} replays these calls`);
  const samples = fc.sample(call, { numRuns: CALLS, seed });
  const placed: string[] = [];
  // Ten at a time: a realistic burst on one agent, not a test of the simulator's speed.
  for (let start = 0; start < samples.length; start += 10) {
    await Promise.all(
      samples.slice(start, start + 10).map(async (sample) => {
        const { channelId } = await simulator.control.placeCall({ from: sample.from, ...(sample.fromName !== undefined ? { fromName: sample.fromName } : {}), to: '800' });
        placed.push(channelId);
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (sample.keys !== '' && simulator.control.callState(channelId)?.ended === false) await simulator.control.pressKeys(channelId, sample.keys, 5).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, sample.hangUpAfterMs));
        if (simulator.control.callState(channelId)?.ended === false) await simulator.control.hangup(channelId).catch(() => undefined);
      }),
    );
  }
  await eventually(async () => placed.every((id) => simulator.control.callState(id)?.ended !== false), 10_000, 'every call over');
  await server.telephony.recorder.settled();
  await eventually(async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions WHERE ended_at IS NULL')).rows[0]!.n === 0, 10_000, 'every record closed');
  const audit = await auditCalls(db.pool, {
    since,
    until: new Date(Date.now() + 1000),
    liveCallIds: await liveCallIds({ url: simulator.url, user: ARI_USER, password: ARI_PASSWORD }),
    outbox: await server.telephony.outbox.counts(),
  });
  t.match(audit, { inbound: { arrived: CALLS, accounted: CALLS }, unaccountedCount: 0, anomalies: [], holds: true }, `all ${CALLS} calls accounted for`);
  t.comment(`outcomes: ${JSON.stringify(audit.inbound.outcomes)}`);
  const errors = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
  t.same(errors, [], 'no error logged');
  const agent = await server.telephony.acd.store.getAgent(ids.ann!);
  t.match(agent, { status: 'available' }, 'the agent is free again');
  if (agent?.status !== 'available') t.comment(JSON.stringify(agent), lines.filter((line) => /missed|not answered|could not/.test(line) || (agent?.callId !== undefined && line.includes(agent.callId))).join('\n'));
});
