import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import type { CallEvent } from '../../src/calls/telephony.js';
import { projectRoot } from '../../src/config/paths.js';
import { AriEventMapper, legFailureOf, type AriEventJson } from '../../src/telephony/ari/event-mapper.js';

const CAPTURES = path.join(projectRoot(), 'test', 'fixtures', 'ari-captures');

/** Feeds a recorded real Asterisk session through the mapper, announcing the originates the application made. */
function replay(name: string): CallEvent[] {
  const mapper = new AriEventMapper();
  const rest = fs.readFileSync(path.join(CAPTURES, `${name}.rest.jsonl`), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path: string; method: string });
  for (const call of rest) {
    const id = /[?&](?:channelId|snoopId)=([^&]+)/.exec(call.path)?.[1];
    if (call.method === 'POST' && id && /\/(channels|snoop)/.test(call.path)) mapper.expectOriginated(decodeURIComponent(id));
  }
  const events = fs.readFileSync(path.join(CAPTURES, `${name}.events.jsonl`), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AriEventJson);
  const mapped = events.flatMap((event) => mapper.map(event));
  return mapped;
}

const summary = (events: CallEvent[]) => events.map((event) => {
  const { channelId: _id, ...rest } = event as CallEvent & { at?: Date };
  if ('at' in rest) delete (rest as { at?: Date }).at;
  return rest;
});

t.test('a: inbound call, prompt, DTMF, caller hangs up', async (t) => {
  const events = replay('a_inbound_playback_dtmf');
  t.match(events[0], { type: 'call.arrived', callerNumber: '+14155550123', callerName: 'Test Customer', dialledNumber: '5551234', args: ['inbound', '5551234'] });
  t.ok((events[0] as { at: Date }).at.getTime() > 0, 'arrival time parsed from the Asterisk timestamp');
  t.same(summary(events.slice(1)).map((e) => e.type), ['answered', 'prompt.started', 'prompt.finished', 'key.pressed', 'hung-up']);
  t.match(events.find((e) => e.type === 'key.pressed'), { digit: '1', durationMs: 280 });
  t.match(events.find((e) => e.type === 'prompt.finished'), { state: 'done' });
  t.match(events.at(-1), { type: 'hung-up', byPhone: true, cause: null });
});

t.test('b: agent leg answered and bridged; agent hangs up; caller hung up by the application', async (t) => {
  const events = replay('b_bridge_agent_hangup');
  const agent = events.find((e) => e.type === 'leg.answered');
  t.match(agent, { args: ['agent', '1795446553.2'] });
  t.equal(events.filter((e) => e.type === 'call.arrived').length, 1, 'the agent leg is not a new call');
  const hungUp = events.filter((e) => e.type === 'hung-up');
  t.equal(hungUp.length, 2, 'one hang-up per channel, despite StasisEnd and ChannelDestroyed');
  t.match(hungUp[0], { channelId: agent!.channelId, byPhone: true });
  t.match(hungUp[1], { channelId: '1795446553.2', byPhone: false, cause: 32 });
  t.equal(events.filter((e) => e.type === 'bridge.entered').length, 2);
  t.equal(events.filter((e) => e.type === 'bridge.left').length, 2);
});

t.test('c: abandon on music on hold', async (t) => {
  const events = replay('c_abandon_on_moh');
  t.match(events.at(-1), { type: 'hung-up', byPhone: true });
});

t.test('d: agent busy, then no answer', async (t) => {
  const failures = replay('d_agent_busy_then_noanswer').filter((e) => e.type === 'leg.failed');
  t.same(failures.map((e) => ({ reason: e.reason, cause: e.cause })), [
    { reason: 'busy', cause: 17 },
    { reason: 'no-answer', cause: 19 },
  ]);
});

t.test('e: a sequence of keys, each once', async (t) => {
  const keys = replay('e_dtmf_sequence').filter((e) => e.type === 'key.pressed');
  t.same(keys.map((e) => e.digit).join(''), '1234#');
});

t.test('f: recording finished', async (t) => {
  const finished = replay('f_record_voicemail').find((e) => e.type === 'recording.finished');
  t.match(finished, { state: 'done' });
  t.ok([5, 6].includes(finished!.durationSeconds!), 'whole seconds');
});

t.test('g: only a hold by the phone is an event', async (t) => {
  const types = replay('g_hold_unhold').map((e) => e.type);
  t.equal(types.filter((type) => type === 'held').length, 1);
  t.equal(types.filter((type) => type === 'unheld').length, 1);
});

t.test('h: snoop channels are legs, not calls, and end with the caller', async (t) => {
  const events = replay('h_snoop_spy_whisper');
  t.equal(events.filter((e) => e.type === 'call.arrived').length, 1);
  t.equal(events.filter((e) => e.type === 'leg.answered').length, 4, 'agent, two snoops, supervisor');
  const ended = new Set(events.filter((e) => e.type === 'hung-up').map((e) => e.channelId));
  for (const snoop of events.filter((e) => e.type === 'leg.answered' && /snoop/.test(e.channelId))) t.ok(ended.has(snoop.channelId), `${snoop.channelId} ended`);
});

t.test('i: an unreachable phone looks like no answer', async (t) => {
  t.match(replay('i_originate_unreachable').filter((e) => e.type === 'leg.failed'), [{ reason: 'no-answer', cause: 19 }]);
});

t.test('j: continue in dialplan leaves the application without hanging up', async (t) => {
  const events = replay('j_continue_dialplan');
  t.equal(events.at(-1)?.type, 'left-application');
  t.equal(events.filter((e) => e.type === 'hung-up').length, 0);
});

t.test('every recording maps without leaving per-channel memory behind', async (t) => {
  for (const file of fs.readdirSync(CAPTURES).filter((name) => name.endsWith('.events.jsonl'))) {
    const name = file.replace('.events.jsonl', '');
    const mapper = new AriEventMapper();
    for (const line of fs.readFileSync(path.join(CAPTURES, file), 'utf8').split('\n').filter(Boolean)) mapper.map(JSON.parse(line) as AriEventJson);
    t.equal(mapper.size(), 0, `${name}: nothing left`);
  }
});

t.test('Q.850 causes become leg failures', async (t) => {
  t.same([17, 19, 18, 21, 20, 3, 16, null].map(legFailureOf), ['busy', 'no-answer', 'no-answer', 'rejected', 'unreachable', 'unreachable', 'failed', 'failed']);
});
