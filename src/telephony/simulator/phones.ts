/** The phones around the PBX: customers calling in, and agent phones that ring when the application originates. */
import { dtmfForRecording } from './media.js';
import { originatedDialplan } from './pbx.js';
import type { Pbx } from './pbx.js';
import type { Channel } from './model/channel.js';
import type { CallerAction, EndpointBehaviour, PlaceCallRequest, PlacedCall } from './types.js';
import { SimulatorError } from './types.js';

const DTMF_DURATION_MS = 280;
const DEFAULT_ANSWER_MS = 1000;
/** how long a busy / rejecting phone takes to answer the INVITE */
const REFUSAL_MS = 300;
/** the sample dialplan rings every agent this long when no application takes the call */
const FALLBACK_RING_MS = 40_000;
let protocolSequence = 1;

export function validateBehaviour(value: unknown): EndpointBehaviour {
  if (typeof value !== 'object' || value === null) throw new SimulatorError('endpoint behaviour must be an object');
  const record = value as Record<string, unknown>;
  const behaviours = ['answer', 'busy', 'reject', 'no-answer', 'unreachable', 'manual'];
  if (typeof record.behaviour !== 'string' || !behaviours.includes(record.behaviour)) {
    throw new SimulatorError(`behaviour must be one of ${behaviours.join(', ')}`);
  }
  const result: EndpointBehaviour = { behaviour: record.behaviour as EndpointBehaviour['behaviour'] };
  for (const key of ['answerAfterMs', 'hangupAfterMs'] as const) {
    const raw = record[key];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) throw new SimulatorError(`${key} must be a number of milliseconds >= 0`);
    result[key] = raw;
  }
  return result;
}

/**
 * A phone's behaviour. A number dialled through a trunk (`PJSIP/<number>@<trunk>`, as Asterisk dials out) behaves
 * as configured for that exact dial string, else as the trunk `PJSIP/<trunk>` is configured; undefined when neither
 * is (Asterisk cannot allocate a channel to an endpoint it does not know).
 */
export function endpointBehaviour(pbx: Pbx, endpoint: string): EndpointBehaviour | undefined {
  const own = pbx.endpoints.get(endpoint);
  if (own) return own;
  const at = endpoint.lastIndexOf('@');
  return at > 0 ? pbx.endpoints.get(`PJSIP/${endpoint.slice(at + 1)}`) : undefined;
}

export function validateEndpointName(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || !/^[A-Za-z][A-Za-z0-9]*\/[^\s/]+$/.test(endpoint)) {
    throw new SimulatorError('endpoint must look like TECH/resource, e.g. PJSIP/1001');
  }
  return endpoint;
}

function validateScript(script: unknown): CallerAction[] {
  if (script === undefined) return [];
  if (!Array.isArray(script)) throw new SimulatorError('script must be an array of caller actions');
  return script.map((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null) throw new SimulatorError(`script[${index}] must be an object`);
    const action = raw as Record<string, unknown>;
    if (typeof action.at !== 'number' || !Number.isFinite(action.at) || action.at < 0) throw new SimulatorError(`script[${index}].at must be seconds >= 0`);
    const kinds = ['press', 'hangup', 'hold', 'unhold'].filter((k) => action[k] !== undefined);
    if (kinds.length !== 1) throw new SimulatorError(`script[${index}] needs exactly one of press, hangup, hold, unhold`);
    if (action.press !== undefined && (typeof action.press !== 'string' || !isDigits(action.press))) {
      throw new SimulatorError(`script[${index}].press must be DTMF digits (0-9, A-D, *, #)`);
    }
    return action as unknown as CallerAction;
  });
}

export function isDigits(text: string): boolean {
  return /^[0-9A-Da-d*#]+$/.test(text);
}

/** A customer's call reaches the PBX: the dialplan tries each Stasis application in turn, else its fallback. */
export function placeCall(pbx: Pbx, request: PlaceCallRequest): PlacedCall {
  if (typeof request !== 'object' || request === null) throw new SimulatorError('call request must be an object');
  if (typeof request.from !== 'string' || request.from.trim() === '') throw new SimulatorError('from (the caller number) is required');
  if (typeof request.to !== 'string' || request.to.trim() === '') throw new SimulatorError('to (the dialled number) is required');
  if (request.fromName !== undefined && typeof request.fromName !== 'string') throw new SimulatorError('fromName must be a string');
  const script = validateScript(request.script);
  const to = request.to.trim();
  const channel = pbx.createChannel({
    id: pbx.nextUniqueId(),
    name: pbx.nextChannelName('PJSIP/trunk'),
    state: 'Ring',
    protocolId: `${protocolSequence++}-${process.pid}@127.0.0.1`,
    caller: { name: request.fromName ?? '', number: request.from.trim() },
    connected: { name: '', number: '' },
    dialplan: { context: 'from-trunk', exten: to, priority: 1, app_name: 'NoOp', app_data: '' },
    creationtime: pbx.timestamp(),
    kind: 'inbound',
  });
  const app = pbx.options.dialplanApps.find((name) => pbx.apps.isConnected(name)) ?? null;
  if (app !== null) {
    channel.homeApp = app;
    channel.dialplan = { context: 'from-trunk', exten: to, priority: 5, app_name: 'Stasis', app_data: `${app},inbound,${to}` };
    pbx.enterStasis(channel, app, ['inbound', to]);
  } else {
    runFallback(pbx, channel);
  }
  for (const action of script) {
    pbx.scheduler.after(channel.id, action.at * 1000, () => runAction(pbx, channel.id, action));
  }
  return { channelId: channel.id, app };
}

function runAction(pbx: Pbx, channelId: string, action: CallerAction): void {
  const channel = pbx.channels.get(channelId);
  if (!channel) return;
  if (action.press !== undefined) void pressKeys(pbx, channelId, action.press).catch(() => undefined);
  else if (action.hangup) phoneHangup(pbx, channel);
  else if (action.hold) phoneHold(pbx, channel, true);
  else if (action.unhold) phoneHold(pbx, channel, false);
}

/** Without an application the sample dialplan answers, apologises, rings the agents, then gives up (cause 34). */
function runFallback(pbx: Pbx, channel: Channel): void {
  channel.state = 'Up';
  channel.dialplan = { context: 'ringside-down', exten: channel.dialplan.exten, priority: 3, app_name: 'Playback', app_data: 'pls-hold-while-try' };
  channel.heard.push('sound:pls-hold-while-try');
  channel.moh = true;
  pbx.updateSilence(channel);
  pbx.scheduler.after(channel.id, 2600 + FALLBACK_RING_MS, () => {
    channel.heard.push('sound:all-circuits-busy-now');
    pbx.scheduler.after(channel.id, 2300, () => pbx.dropSilently(channel, 34));
  });
}

/**
 * The caller presses keys: each ChannelDtmfReceived arrives when its digit ends. Paced by scheduler timers (not
 * promises and sleeps) so the digits follow the simulator's clock, and a manual clock delivers each one while it runs
 * the timer. The timers belong to their own owner: the call ending must not leave the returned promise pending.
 */
export async function pressKeys(pbx: Pbx, channelId: string, digits: string, intervalMs = 500): Promise<void> {
  if (typeof digits !== 'string' || !isDigits(digits)) throw new SimulatorError('digits must be DTMF digits (0-9, A-D, *, #)');
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new SimulatorError('intervalMs must be >= 0');
  pbx.requireChannel(channelId);
  const owner = `dtmf:${channelId}`;
  const keys = [...digits.toUpperCase()];
  return new Promise((resolve) => {
    const next = (index: number): void => {
      const digit = keys[index];
      if (digit === undefined) {
        resolve();
        return;
      }
      pbx.scheduler.after(owner, DTMF_DURATION_MS, () => {
        const channel = pbx.channels.get(channelId);
        if (!channel) {
          resolve();
          return;
        }
        pbx.emitChannel(channel, 'ChannelDtmfReceived', { digit, duration_ms: DTMF_DURATION_MS });
        dtmfForRecording(pbx, channel, digit);
        pbx.scheduler.after(owner, Math.max(0, intervalMs - DTMF_DURATION_MS), () => next(index + 1));
      });
    };
    next(0);
  });
}

/** The phone hangs up: no cause in ChannelHangupRequest, like a SIP BYE. */
export function phoneHangup(pbx: Pbx, channel: Channel): void {
  if (channel.kind === 'originated' && channel.state !== 'Up') {
    // An agent phone cannot hang up a call it never answered; it declines it instead.
    refuse(pbx, channel, 21, 603, 'CONGESTION');
    return;
  }
  if (channel.stasisApp === null && channel.kind === 'inbound') {
    pbx.dropSilently(channel, 16);
    return;
  }
  pbx.endChannel(channel, { request: {}, cause: 16 });
}

export function phoneHold(pbx: Pbx, channel: Channel, hold: boolean): void {
  if (channel.phoneHold === hold) return;
  channel.phoneHold = hold;
  if (hold) pbx.emitChannel(channel, 'ChannelHold', { musicclass: 'default' });
  else pbx.emitChannel(channel, 'ChannelUnhold');
}

export interface OriginateRequest {
  endpoint: string;
  app: string | null;
  appArgs: string;
  callerId: string;
  timeoutSeconds: number;
  channelId: string;
  context: string | null;
  extension: string | null;
  priority: number | null;
  variables: Record<string, string>;
}

/**
 * Creates the outbound channel and starts the phone's behaviour. Dial events go to the application from the start;
 * StasisStart only once the phone answers.
 */
export function originate(pbx: Pbx, request: OriginateRequest, caller: { name: string; number: string }): Channel {
  const slash = request.endpoint.indexOf('/');
  const resource = request.endpoint.slice(slash + 1);
  const channel = pbx.createChannel({
    id: request.channelId,
    name: pbx.nextChannelName(request.endpoint),
    state: 'Down',
    protocolId: pbx.newProtocolId(),
    caller,
    connected: { ...caller },
    dialplan: originatedDialplan('from-agents'),
    creationtime: pbx.timestamp(),
    kind: 'originated',
  });
  channel.endpoint = request.endpoint;
  channel.dialstring = resource;
  for (const [key, value] of Object.entries(request.variables)) channel.variables.set(key, value);
  if (request.app !== null) {
    channel.subscriber = request.app;
    pbx.apps.subscribeChannel(request.app, channel.id);
  }
  originateRequests.set(channel, { app: request.app, appArgs: request.appArgs });
  pbx.dials.set(request.endpoint, (pbx.dials.get(request.endpoint) ?? 0) + 1);
  const behaviour = endpointBehaviour(pbx, request.endpoint) ?? { behaviour: 'unreachable' };
  // The phone starts reacting once the 200 is on its way.
  pbx.scheduler.soon(() => startRinging(pbx, channel, behaviour, request));
  return channel;
}

function startRinging(pbx: Pbx, channel: Channel, behaviour: EndpointBehaviour, request: OriginateRequest): void {
  if (pbx.channels.get(channel.id) !== channel) return;
  pbx.emitDial(channel, '');
  channel.ringing = true;
  if (request.timeoutSeconds > 0) {
    channel.ringTimer = pbx.scheduler.after(channel.id, request.timeoutSeconds * 1000, () => {
      // No final Dial NOANSWER: the channel is just destroyed (cause 19, SIP 480).
      pbx.endChannel(channel, { request: null, cause: 19, techCause: 480 });
    });
  }
  switch (behaviour.behaviour) {
    case 'unreachable':
      return;
    case 'busy':
      pbx.scheduler.after(channel.id, REFUSAL_MS, () => refuse(pbx, channel, 17, 486, 'BUSY'));
      return;
    case 'reject':
      alert(pbx, channel);
      pbx.scheduler.after(channel.id, REFUSAL_MS, () => refuse(pbx, channel, 21, 603, 'CONGESTION'));
      return;
    case 'no-answer':
    case 'manual':
      alert(pbx, channel);
      return;
    case 'answer':
      alert(pbx, channel);
      pbx.scheduler.after(channel.id, behaviour.answerAfterMs ?? DEFAULT_ANSWER_MS, () => answerOriginated(pbx, channel, request, behaviour));
      return;
  }
}

function alert(pbx: Pbx, channel: Channel): void {
  pbx.setState(channel, 'Ringing');
  pbx.emitDial(channel, 'RINGING');
}

function refuse(pbx: Pbx, channel: Channel, cause: number, techCause: number, dialStatus: string): void {
  pbx.endChannel(channel, { request: { cause, tech_cause: techCause }, cause, techCause, dialStatus });
}

/** The phone answers: Up, Dial ANSWER, then into Stasis with the originate's appArgs. */
export function answerOriginated(pbx: Pbx, channel: Channel, request: Pick<OriginateRequest, 'app' | 'appArgs'>, behaviour?: EndpointBehaviour): void {
  if (pbx.channels.get(channel.id) !== channel || !channel.ringing) return;
  channel.ringing = false;
  pbx.scheduler.cancel(channel.id, channel.ringTimer);
  channel.ringTimer = null;
  pbx.setState(channel, 'Up');
  pbx.emitDial(channel, 'ANSWER');
  if (request.app !== null) {
    channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [request.app, request.appArgs].filter((s) => s !== '').join(',') };
    pbx.setVariable(channel, 'STASISSTATUS', '');
    pbx.enterStasis(channel, request.app, request.appArgs === '' ? [] : request.appArgs.split(','));
  }
  if (behaviour?.hangupAfterMs !== undefined) {
    pbx.scheduler.after(channel.id, behaviour.hangupAfterMs, () => phoneHangup(pbx, channel));
  }
}

/** Remembered per ringing channel so answerEndpoint can put it in the right application. */
export const originateRequests = new WeakMap<Channel, Pick<OriginateRequest, 'app' | 'appArgs'>>();

export function channelsOfEndpoint(pbx: Pbx, endpoint: string): Channel[] {
  return [...pbx.channels.values()].filter((c) => c.endpoint === endpoint);
}
