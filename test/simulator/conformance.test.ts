/**
 * Replays every recorded Asterisk 22 session (test/fixtures/ari-captures) against the simulator: the same REST calls
 * at the recorded moments (each also waits for the events that preceded it, as the recorded application did), and
 * the same phone actions, declared per capture below. Then, channel by channel, the simulator must raise the same
 * sequence of event types with the same fields and field types (ids and timestamps aside), and every REST call must
 * get the recorded status and body shape.
 *
 * The simulator runs on a ManualClock that the replay moves itself: timers and steps then happen at exact virtual
 * moments whatever the machine load (on wall-clock timers, a busy machine let the simulated dialplan or the DTMF
 * timers overtake the replay's steps), and nothing waits in real time, so the replay takes well under a second of
 * simulated waiting. Before every step the simulator settles (deferred work done, every event it sent read here).
 *
 * ChannelVarset events are left out of the sequences: Asterisk raises dozens (RTP statistics, BRIDGEPEER updates) and
 * the simulator a representative subset; variables the application sets itself are checked separately.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import WebSocket from 'ws';
import { ManualClock } from '../../src/telephony/simulator/clock.js';
import { phoneHold } from '../../src/telephony/simulator/phones.js';
import type { EndpointBehaviour } from '../../src/telephony/simulator/types.js';
import { advanceSettled, rest, settle, simulator } from './helpers.js';
import type { Event } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ari-captures');
/** clock ms per recorded (simulated) ms: keeps the simulator's timeScale conversions in the replay */
const SCALE = 0.25;
/** How far (recorded ms) a REST step may wait past its moment for the events that preceded it in the recording. */
const EVENT_GRACE_MS = 6000;
/** Values that carry meaning and must match exactly (everything else is compared by type only). */
const EXACT = new Set(['dialstatus', 'cause', 'tech_cause', 'soft', 'digit', 'duration_ms', 'state', 'variable', 'musicclass', 'message', 'error']);
/** A playback's state in the 201 is "queued" or "playing" depending on thread timing, so REST bodies compare states by type. */
const EXACT_REST = new Set(['message', 'error']);

type PhoneAction =
  | { at: number; do: 'call' }
  | { at: number; do: 'press'; digits: string }
  | { at: number; do: 'hangup' | 'hold' | 'unhold' };

interface Script {
  endpoints: Record<string, EndpointBehaviour>;
  /** recorded ms on the capture's timeline; DTMF presses start 280 ms before the recorded ChannelDtmfReceived */
  phone: PhoneAction[];
}

const answer = (answerAfterMs: number, hangupAfterMs?: number): EndpointBehaviour => ({
  behaviour: 'answer',
  answerAfterMs,
  ...(hangupAfterMs !== undefined ? { hangupAfterMs } : {}),
});

/** The phones' side of each recorded session. */
const SCRIPTS: Record<string, Script> = {
  a_inbound_playback_dtmf: { endpoints: {}, phone: [{ at: 120, do: 'call' }, { at: 3023, do: 'press', digits: '1' }, { at: 5169, do: 'hangup' }] },
  b_bridge_agent_hangup: { endpoints: { 'PJSIP/agent1001': answer(505, 3000) }, phone: [{ at: 620, do: 'call' }] },
  c_abandon_on_moh: { endpoints: {}, phone: [{ at: 120, do: 'call' }, { at: 6167, do: 'hangup' }] },
  d_agent_busy_then_noanswer: {
    endpoints: { 'PJSIP/agent1002': { behaviour: 'busy' }, 'PJSIP/agent1001': { behaviour: 'no-answer' } },
    phone: [{ at: 630, do: 'call' }],
  },
  e_dtmf_sequence: {
    endpoints: {},
    phone: [
      { at: 135, do: 'call' },
      { at: 2541, do: 'press', digits: '1' },
      { at: 3243, do: 'press', digits: '2' },
      { at: 3948, do: 'press', digits: '3' },
      { at: 4652, do: 'press', digits: '4' },
      { at: 5355, do: 'press', digits: '#' },
      { at: 7500, do: 'hangup' },
    ],
  },
  f_record_voicemail: { endpoints: {}, phone: [{ at: 125, do: 'call' }] },
  g_hold_unhold: { endpoints: {}, phone: [{ at: 120, do: 'call' }, { at: 9166, do: 'hold' }, { at: 11171, do: 'unhold' }] },
  h_snoop_spy_whisper: { endpoints: { 'PJSIP/agent1001': answer(1), 'PJSIP/agent1002': answer(1) }, phone: [{ at: 625, do: 'call' }] },
  i_originate_unreachable: { endpoints: { 'PJSIP/agent1002': { behaviour: 'unreachable' } }, phone: [{ at: 135, do: 'call' }] },
  j_continue_dialplan: { endpoints: {}, phone: [{ at: 130, do: 'call' }] },
  l_app_reconnect: { endpoints: {}, phone: [{ at: 125, do: 'call' }] },
  // The caller's call fails Stasis() and the dialplan rejects it at once.
  m_stasis_without_app: { endpoints: {}, phone: [{ at: 60, do: 'call' }, { at: 120, do: 'hangup' }] },
};

interface TimelineEntry {
  seq: number;
  t_ms: number;
  kind: string;
  method?: string;
  path?: string;
  status?: number;
  response_body?: unknown;
  send_seq?: number;
  code?: number;
  event?: Event;
}

function readJsonl<T>(file: string): T[] {
  const text = readFileSync(join(FIXTURES, file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Type-level description of a JSON value; meaningful fields keep their values. */
function shape(value: unknown, key = '', exact = EXACT): unknown {
  if (Array.isArray(value)) return value.length === 0 ? 'array' : ['array', shape(value[0], key, exact)];
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      if (k === 'asterisk_id' || k === 'application') continue;
      out[k] = shape((value as Record<string, unknown>)[k], k, exact);
    }
    return out;
  }
  if (exact.has(key)) return value;
  return typeof value;
}

function sourceOf(event: Event): string {
  const holder = (event.channel ?? event.peer) as { id?: string } | undefined;
  if (holder?.id) return holder.id;
  const target = ((event.playback ?? event.recording) as { target_uri?: string } | undefined)?.target_uri;
  if (target) return target.replace(/^channel:/, '');
  const bridge = event.bridge as { id?: string } | undefined;
  if (bridge?.id) return `bridge:${bridge.id}`;
  return 'application';
}

/** Per source, the event types in order with their shapes; the Ringing / first Dial swap seen between runs is normalised. */
function sequences(events: Event[], rename: (id: string) => string): Map<string, Array<[string, unknown]>> {
  const result = new Map<string, Array<[string, unknown]>>();
  for (const event of events) {
    if (event.type === 'ChannelVarset') continue;
    const source = rename(sourceOf(event));
    const list = result.get(source) ?? [];
    list.push([event.type, shape({ ...event, timestamp: undefined })]);
    result.set(source, list);
  }
  for (const list of result.values()) {
    for (let i = 0; i + 1 < list.length; i++) {
      const [a, b] = [list[i], list[i + 1]];
      if (a && b && a[0] === 'ChannelStateChange' && b[0] === 'Dial' && (b[1] as { dialstatus?: string }).dialstatus === '') {
        // Raised after the state change, that first Dial also shows the peer Ringing; raised before, Down.
        const dial = b[1] as { peer?: { state?: string } };
        if (dial.peer) dial.peer.state = 'Down';
        list[i] = b;
        list[i + 1] = a;
      }
    }
  }
  return result;
}

interface Outcome {
  recorded: Map<string, Array<[string, unknown]>>;
  simulated: Map<string, Array<[string, unknown]>>;
  rest: Array<{ request: string; expected: unknown; actual: unknown }>;
  userVariables: { expected: string[]; actual: string[] };
}

async function replay(name: string): Promise<Outcome> {
  const script = SCRIPTS[name];
  if (!script) throw new Error(`no phone script for ${name}`);
  const timeline = readJsonl<TimelineEntry>(`${name}.timeline.jsonl`);
  const recordedEvents = readJsonl<Event>(`${name}.events.jsonl`);
  const clock = new ManualClock();
  const start = clock.now();
  const sim = await simulator({ timeScale: SCALE, clock, dialplanApps: ['cc-app'], endpoints: script.endpoints });
  const received: Event[] = [];
  const readCount = (): number => received.length;
  const clockAt = (recordedMs: number): number => start + recordedMs * SCALE;
  let socket: WebSocket | null = null;
  let inboundId: string | null = null;
  const recordedInbound = (recordedEvents.find((e) => e.type === 'StasisStart' && (e.args as string[])[0] === 'inbound')?.channel as { id?: string } | undefined)?.id;
  const toSim = (text: string): string => (recordedInbound && inboundId ? text.split(recordedInbound).join(inboundId) : text);
  const fromSim = (text: string): string => (recordedInbound && inboundId ? text.split(inboundId).join(recordedInbound) : text);

  const openSocket = async (): Promise<void> => {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=cc-app&api_key=ringside:secret`);
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as Event));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    socket = ws;
  };

  type Step = { at: number; seq: number; run: () => Promise<void> };
  const steps: Step[] = [];
  const results = new Map<number, { status: number; body: unknown }>();
  const countBefore = (seq: number): number => timeline.filter((e) => e.kind === 'event' && e.seq < seq && e.event?.type !== 'ChannelVarset').length;
  for (const entry of timeline) {
    if (entry.kind === 'ws-open') steps.push({ at: entry.t_ms, seq: entry.seq, run: openSocket });
    if (entry.kind === 'ws-close') {
      steps.push({
        at: entry.t_ms,
        seq: entry.seq,
        run: async () => {
          if (entry.code === 1006) sim.control.dropConnections('cc-app');
          else (socket)?.close();
        },
      });
    }
    if (entry.kind === 'rest-send' && entry.method && entry.path) {
      const { method, path, seq } = entry;
      steps.push({
        at: entry.t_ms,
        seq,
        run: async () => {
          // Like the recorded application, act only once the events that came before have arrived: if the simulator
          // raises them a little later than Asterisk did, let its time run on (within a grace) until they have.
          const wanted = countBefore(seq);
          const arrived = (): boolean => received.filter((e) => e.type !== 'ChannelVarset').length >= wanted;
          await advanceSettled(sim, clock, clock.now() + EVENT_GRACE_MS * SCALE, readCount, arrived);
          results.set(seq, await rest(sim.url, method, toSim(path.replace(/^\/ari/, ''))));
        },
      });
    }
  }
  for (const action of script.phone) {
    steps.push({
      at: action.at,
      seq: -1,
      run: async () => {
        if (action.do === 'call') {
          const placed = await sim.control.placeCall({ from: '+14155550123', fromName: 'Test Customer', to: '5551234' });
          inboundId = placed.channelId;
        } else if (!inboundId || !sim.control.callState(inboundId) || sim.control.callState(inboundId)?.ended) {
          return;
        } else if (action.do === 'press') void sim.control.pressKeys(inboundId, action.digits);
        else if (action.do === 'hangup') await sim.control.hangup(inboundId);
        else holdPhone(sim, inboundId, action.do === 'hold');
      },
    });
  }
  steps.sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const step of steps) {
    await advanceSettled(sim, clock, clockAt(step.at), readCount);
    await step.run();
  }
  // Whatever the simulator still raises shortly after the last step (the replay used to linger 200 ms at this scale).
  await advanceSettled(sim, clock, clock.now() + 800 * SCALE, readCount);
  await settle(sim, readCount);
  (socket as WebSocket | null)?.close();
  await sim.close();

  const restOutcome = timeline
    .filter((e) => e.kind === 'rest')
    .map((e) => {
      const actual = results.get(e.send_seq ?? -1);
      return {
        request: `${e.method ?? ''} ${e.path ?? ''}`,
        expected: { status: e.status, body: shape(e.response_body, '', EXACT_REST) },
        actual: actual ? { status: actual.status, body: shape(JSON.parse(fromSim(JSON.stringify(actual.body))) as unknown, '', EXACT_REST) } : 'not sent',
      };
    });
  const userVariables = (events: Event[]): string[] =>
    events.filter((e) => e.type === 'ChannelVarset' && !/^(RTPAUDIOQOS|BRIDGEPEER|BRIDGEPVTCALLID|STASISSTATUS)/.test(String(e.variable))).map((e) => String(e.variable));
  return {
    recorded: sequences(recordedEvents, (id) => id),
    simulated: sequences(received, (id) => fromSim(id)),
    rest: restOutcome,
    userVariables: { expected: userVariables(recordedEvents), actual: userVariables(received) },
  };
}

/** The phone's own hold (re-INVITE sendonly); the control API has no call-level hold, scenarios and scripts do. */
function holdPhone(sim: Awaited<ReturnType<typeof simulator>>, channelId: string, hold: boolean): void {
  const channel = sim.pbx.channels.get(channelId);
  if (channel) phoneHold(sim.pbx, channel, hold);
}

const names = Object.keys(SCRIPTS);

t.test('every capture has all three files and a phone script', async (t) => {
  for (const name of names) {
    for (const suffix of ['events', 'rest', 'timeline']) t.ok(readFileSync(join(FIXTURES, `${name}.${suffix}.jsonl`)), `${name}.${suffix}`);
  }
  const files = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
  t.match(files, /What real Asterisk does/);
});

t.test('the simulator behaves like the recorded Asterisk sessions', async (t) => {
  const outcomes = await Promise.all(names.map(async (name) => [name, await replay(name)] as const));
  for (const [name, outcome] of outcomes) {
    t.test(name, async (t) => {
      for (const [source, expected] of outcome.recorded) {
        t.same(outcome.simulated.get(source) ?? [], expected, `events of ${source}`);
      }
      for (const source of outcome.simulated.keys()) t.ok(outcome.recorded.has(source), `no unexpected events for ${source}`);
      for (const call of outcome.rest) t.same(call.actual, call.expected, call.request);
      t.same(outcome.userVariables.actual, outcome.userVariables.expected, 'variables the application set');
    });
  }
});
