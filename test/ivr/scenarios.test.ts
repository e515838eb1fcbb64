import t from 'tap';
import type { Flow } from '../../src/ivr/schema.js';
import { startIvrRig } from '../helpers/ivr.js';
import { waitUntil } from '../helpers/telephony.js';

// Simulator time runs at 0.1: a script's `at: 20` is 2 s of real time; prompts play 10x faster than in life.
// IVR timeouts are Ringside's own and real: 1 s below.

const menuFlow: Flow = {
  name: 'menu-test',
  default: true,
  start: 'menu',
  steps: {
    menu: {
      type: 'menu',
      prompts: ['sound:demo-congrats'], // 9.5 s simulated = 0.95 s real
      options: { '1': 'sales', '2': 'support' },
      timeout: 1,
      retries: 1,
      noInputPrompts: ['sound:vm-press'],
      invalidPrompts: ['sound:please-try-again'],
      fallback: 'fallback',
    },
    sales: { type: 'set', tags: ['sales'], variables: { intent: 'sales' }, next: 'bye' },
    support: { type: 'set', tags: ['support'], variables: { intent: 'support' }, next: 'bye' },
    fallback: { type: 'hangup', prompts: ['sound:vm-goodbye'] },
    bye: { type: 'hangup', prompts: ['sound:vm-goodbye'] },
  },
};

t.test('menu: a key during the prompt stops it and chooses', async (t) => {
  const rig = await startIvrRig(t, [menuFlow]);
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 3, press: '2' }] });
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'completed', outcome_detail: 'ivr:bye', flow: 'menu-test' });
  t.match(row.ivr_path, [{ step: 'menu', type: 'menu', input: '2', result: 'chose 2' }, { step: 'support', result: 'intent #support' }, { step: 'bye', type: 'hangup' }]);
  t.ok(row.ivr_path[0]!.ms! < 900, `barge-in cut the 0.95 s prompt short (${row.ivr_path[0]!.ms} ms)`);
});

t.test('menu: a key after the prompt, within the timeout', async (t) => {
  const rig = await startIvrRig(t, [menuFlow]);
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 13, press: '1' }] });
  const row = await rig.closed(call.channelId);
  t.match(row.ivr_path[0], { input: '1', result: 'chose 1' });
  t.match(rig.simulator.control.callState(call.channelId)?.heard, ['sound:demo-congrats', 'sound:vm-goodbye']);
});

t.test('menu: no input, then invalid input, then the fallback', async (t) => {
  const rig = await startIvrRig(t, [menuFlow]);
  // first try: silence past the 1 s timeout; second try: an invalid key
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 25, press: '9' }] });
  const row = await rig.closed(call.channelId);
  t.match(row.ivr_path[0], { step: 'menu', input: '(none),9', result: 'no valid choice; fallback' });
  t.match(row, { outcome: 'completed', outcome_detail: 'ivr:fallback' });
  const heard = rig.simulator.control.callState(call.channelId)?.heard ?? [];
  t.ok(heard.includes('sound:vm-press'), 'the no-input prompt was played');
});

t.test('menu: invalid input, then a valid choice', async (t) => {
  const rig = await startIvrRig(t, [menuFlow]);
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 2, press: '7' }, { at: 8, press: '1' }] });
  const row = await rig.closed(call.channelId);
  t.match(row.ivr_path[0], { input: '7,1', result: 'chose 1' });
  t.ok(rig.simulator.control.callState(call.channelId)?.heard.includes('sound:please-try-again'), 'the invalid-input prompt was played');
});

const accountFlow: Flow = {
  name: 'account-test',
  default: true,
  start: 'ask',
  steps: {
    ask: {
      type: 'collect',
      prompts: ['sound:vm-intro'], // 4.5 s simulated
      variable: 'account',
      minDigits: 6,
      maxDigits: 10,
      terminator: '#',
      firstDigitTimeout: 1,
      interDigitTimeout: 1,
      pattern: '^[0-9]+$',
      retries: 2,
      invalidPrompts: ['sound:please-try-again'],
      next: 'find',
      fallback: 'support',
    },
    find: { type: 'lookup', by: 'externalId', variable: 'account', found: 'tier', notFound: 'support' },
    tier: { type: 'branch', conditions: [{ when: { field: 'customer.tier', in: ['platinum', 'gold'] }, next: 'vip' }], otherwise: 'support' },
    vip: { type: 'queue', queue: 'vip', priority: 10, skills: ['vip'] },
    support: { type: 'queue', queue: 'support' },
  },
};

t.test('collect: too few digits, then an account number with the terminator; lookup finds a withheld caller; VIP queue', async (t) => {
  const rig = await startIvrRig(t, [accountFlow]);
  const { rows } = await rig.db.pool.query<{ id: number }>("INSERT INTO customers (external_id, name, tier) VALUES ('12345678', '王芳', 'gold') RETURNING id");
  const call = await rig.simulator.control.placeCall({
    from: 'anonymous',
    to: '800',
    script: [{ at: 1, press: '123#' }, { at: 12, press: '12345678#' }, { at: 60, hangup: true }],
  });
  await waitUntil(() => rig.simulator.control.callState(call.channelId)?.musicOnHold === true, 10_000, 'the caller to wait in the queue');
  let waiting = await rig.interaction(call.channelId);
  for (let tries = 0; waiting.ivr_path.length < 4 && tries < 100; tries++) waiting = await rig.interaction(call.channelId);
  t.match(waiting, { queue: 'vip', customer_id: rows[0]!.id, outcome: null });
  t.match(waiting.attributes, { priority: 10, skills: ['vip'], callerIdKind: 'withheld', customerId: rows[0]!.id, vars: { account: '12345678' } });
  t.match(waiting.ivr_path, [{ step: 'ask', input: '123,12345678', result: 'account collected' }, { step: 'find', result: `found customer ${rows[0]!.id}` }, { step: 'tier', result: 'condition 1' }, { step: 'vip', result: 'queued to vip' }]);
  const row = await rig.closed(call.channelId);
  t.match(row, { outcome: 'abandoned', outcome_detail: 'queue:vip' });
});

t.test('collect: the maximum length ends the entry without a terminator; unknown account goes to support', async (t) => {
  const rig = await startIvrRig(t, [accountFlow]);
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 1, press: '99999999991' }, { at: 40, hangup: true }] });
  const row = await rig.closed(call.channelId);
  t.match(row.ivr_path, [{ step: 'ask', input: '9999999999' }, { step: 'find', result: 'not found' }, { step: 'support' }]);
  t.match(row, { queue: 'support', outcome: 'abandoned', outcome_detail: 'queue:support' });
});

t.test('hang-up mid-prompt and mid-collect: abandoned in IVR at that step, nothing left behind', async (t) => {
  const rig = await startIvrRig(t, [accountFlow]);
  const midPrompt = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 2, hangup: true }] });
  const midCollect = await rig.simulator.control.placeCall({ from: '+8613800138001', to: '800', script: [{ at: 5, press: '123' }, { at: 6, hangup: true }] });
  t.match(await rig.closed(midPrompt.channelId), { outcome: 'abandoned', outcome_detail: 'ivr:ask' });
  t.match(await rig.closed(midCollect.channelId), { outcome: 'abandoned', outcome_detail: 'ivr:ask' });
  await waitUntil(() => rig.calls.trackedCount() === 0 && rig.ivr.activeRuns() === 0 && rig.telephony.trackedCount() === 0, 5000, 'everything released');
  t.equal(rig.simulator.control.stats().channels, 0);
});

const afterHours: Flow = {
  name: 'hours-test',
  default: true,
  start: 'hours',
  steps: {
    hours: {
      type: 'hours',
      timezone: 'Asia/Shanghai',
      open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
      holidays: ['2026-10-01'],
      whenOpen: 'open',
      whenClosed: 'message',
      whenHoliday: 'message',
    },
    open: { type: 'transfer', flow: 'menu-test' },
    message: { type: 'voicemail', prompts: ['sound:vm-intro'], maxSeconds: 5, next: 'bye' },
    bye: { type: 'hangup', prompts: ['sound:vm-goodbye'] },
  },
};

t.test('hours: closed → voicemail kept on the interaction; open → transfer to another flow', async (t) => {
  let now = new Date('2026-11-22T03:00:00Z'); // Sunday 11:00 in Shanghai
  const rig = await startIvrRig(t, [afterHours, { ...menuFlow, default: false }], { now: () => now });
  const closed = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800' });
  const vm = await rig.closed(closed.channelId);
  t.match(vm, { outcome: 'voicemail', flow: 'hours-test' });
  t.match(vm.recording, /^vm-/);
  t.equal(vm.recording, vm.outcome_detail);
  t.match(vm.ivr_path, [{ step: 'hours', result: 'closed' }, { step: 'message', result: /^recorded/ }, { step: 'bye' }]);

  now = new Date('2026-11-23T03:00:00Z'); // Monday 11:00
  const open = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 2, press: '1' }] });
  const row = await rig.closed(open.channelId);
  t.match(row.ivr_path, [{ step: 'hours', result: 'open' }, { step: 'open', result: 'to flow menu-test' }, { step: 'menu', result: 'chose 1' }]);
});

const playThenMenu: Flow = {
  name: 'play-test',
  default: true,
  start: 'welcome',
  steps: {
    welcome: { type: 'play', prompts: ['sound:demo-congrats'], next: 'menu' },
    menu: { type: 'menu', prompts: ['sound:demo-congrats'], options: { '3': 'out' }, timeout: 1, retries: 0, fallback: 'bye' },
    out: { type: 'transfer', number: '+861065529988' },
    bye: { type: 'hangup' },
  },
};

t.test('play: a key during the prompt skips it and answers the next menu; transfer to an external number', async (t) => {
  const rig = await startIvrRig(t, [playThenMenu]);
  const call = await rig.simulator.control.placeCall({ from: '+8613800138000', to: '800', script: [{ at: 2, press: '3' }] });
  await rig.next('left-application', call.channelId);
  let row = await rig.closed(call.channelId);
  // The transfer step's own path entry lands just after the call has left (its request answers after the event).
  for (let tries = 0; row.ivr_path.length < 3 && tries < 100; tries++) row = await rig.interaction(call.channelId);
  t.match(row, { outcome: 'transferred', outcome_detail: 'external number' });
  t.match(row.ivr_path, [{ step: 'welcome', result: 'interrupted by a key' }, { step: 'menu', input: '3', result: 'chose 3' }, { step: 'out', result: 'to an external number' }]);
  t.same(rig.simulator.control.callState(call.channelId)?.heard.filter((media) => media === 'sound:demo-congrats').length, 1, 'the menu prompt was skipped: its choice was typed ahead');
});
