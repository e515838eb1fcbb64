/** /channels: list, originate, control of a channel in Stasis, media, variables (snoop: snoop.ts). */
import { randomUUID } from 'node:crypto';
import { HANGUP_REASONS } from '../causes.js';
import { play, record, startMoh, stopMoh } from '../media.js';
import { channelSnapshot, parseCallerId } from '../model/channel.js';
import type { Channel } from '../model/channel.js';
import { playbackSnapshot } from '../model/bridge.js';
import { endpointBehaviour, originate } from '../phones.js';
import type { Pbx } from '../pbx.js';
import { AriError, bool, container, list, noContent, num, pathParam, query, str } from './spec.js';
import type { Params, ParamSpec, Reply, RouteSpec } from './spec.js';
import { channelId, findChannel, NOT_FOUND, NOT_IN_STASIS, stasisChannel } from './channel-lookup.js';

const originateParams: ParamSpec[] = [
  query('endpoint', 'string', 'Endpoint to call, TECH/resource', { required: true, missingMessage: 'Endpoint must be specified' }),
  query('extension', 'string', 'Extension to continue at after answer (instead of app)'),
  query('context', 'string', 'Context to continue at after answer (instead of app)'),
  query('priority', 'long', 'Priority to continue at after answer (instead of app)'),
  query('label', 'string', 'Label to continue at after answer (instead of app)'),
  query('app', 'string', 'Stasis application that receives the channel once answered'),
  query('appArgs', 'string', 'Comma-separated arguments for StasisStart'),
  query('callerId', 'string', 'Caller id for the call, e.g. "Name" <number>'),
  query('timeout', 'int', 'Seconds to ring before giving up, -1 for no limit', { defaultValue: 30 }),
  query('otherChannelId', 'string', 'Id for the second channel of a Local channel pair'),
  query('originator', 'string', 'Channel that causes this originate'),
  query('formats', 'string', 'Comma-separated formats to offer'),
  { name: 'variables', paramType: 'body', dataType: 'containers', description: 'Channel variables to set: {"variables": {"NAME": "value"}}' },
];

function doOriginate(pbx: Pbx, params: Params, id: string | undefined): Reply {
  const endpoint = str(params, 'endpoint') ?? '';
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) throw new AriError(400, 'Invalid endpoint specified');
  const app = str(params, 'app') ?? null;
  const extension = str(params, 'extension') ?? null;
  if (app === null && extension === null) throw new AriError(400, 'Application or extension must be specified');
  const channelId = id ?? str(params, 'channelId') ?? pbx.nextUniqueId();
  if (pbx.channels.has(channelId)) throw new AriError(409, 'Channel with given unique ID already exists');
  const tech = endpoint.slice(0, slash);
  // Unknown technologies and unknown PJSIP endpoints both fail channel allocation, with an "error" body.
  if (tech.toUpperCase() !== 'PJSIP' || !endpointBehaviour(pbx, `PJSIP/${endpoint.slice(slash + 1)}`)) {
    throw new AriError(500, 'Allocation failed', 'error');
  }
  const timeout = num(params, 'timeout') ?? 30;
  const channel = originate(
    pbx,
    {
      endpoint: `PJSIP/${endpoint.slice(slash + 1)}`,
      app,
      appArgs: str(params, 'appArgs') ?? '',
      callerId: str(params, 'callerId') ?? '',
      timeoutSeconds: timeout,
      channelId,
      context: str(params, 'context') ?? null,
      extension,
      priority: num(params, 'priority') ?? null,
      variables: container(params, 'variables'),
    },
    parseCallerId(str(params, 'callerId')),
  );
  return { status: 200, body: channelSnapshot(channel) };
}

function hangupCause(params: Params): number {
  const reason = str(params, 'reason');
  const code = str(params, 'reason_code');
  if (reason !== undefined && code !== undefined) throw new AriError(400, "The reason and reason_code can't both be specified");
  if (code !== undefined) {
    const value = Number(code);
    if (!Number.isInteger(value) || value < 0 || value > 127) throw new AriError(400, 'Invalid reason for hangup provided');
    return value;
  }
  if (reason === undefined) return 16;
  const cause = HANGUP_REASONS[reason];
  if (cause === undefined) throw new AriError(400, 'Invalid reason for hangup provided');
  return cause;
}

function readVariable(channel: Channel, name: string): string | undefined {
  switch (name) {
    case 'CALLERID(num)':
      return channel.caller.number;
    case 'CALLERID(name)':
      return channel.caller.name;
    case 'CHANNEL(name)':
      return channel.name;
    case 'UNIQUEID':
      return channel.id;
    default:
      return channel.variables.get(name);
  }
}

const simple = (
  path: string,
  method: RouteSpec['method'],
  nickname: string,
  summary: string,
  act: (pbx: Pbx, channel: Channel, params: Params) => void,
  extra: ParamSpec[] = [],
): RouteSpec => ({
  resource: 'channels',
  path,
  method,
  nickname,
  summary,
  responseClass: 'void',
  params: [channelId, ...extra],
  errors: [NOT_FOUND, NOT_IN_STASIS],
  handle(pbx, params) {
    const channel = stasisChannel(pbx, params);
    act(pbx, channel, params);
    return noContent();
  },
});

function doPlay(pbx: Pbx, params: Params, playbackId: string | undefined): Reply {
  const channel = stasisChannel(pbx, params);
  const media = list(params, 'media') ?? [];
  if (media.length === 0 || media.some((m) => m === '')) throw new AriError(400, 'Media must be specified');
  const id = playbackId ?? str(params, 'playbackId') ?? randomUUID();
  if (pbx.playbacks.has(id)) throw new AriError(409, 'Playback with given id already exists');
  const playback = play(pbx, channel, 'channel', {
    media,
    playbackId: id,
    language: str(params, 'lang') ?? channel.language,
    offsetMs: num(params, 'offsetms') ?? 0,
  });
  return { status: 201, body: playbackSnapshot(playback) };
}

const playParams: ParamSpec[] = [
  query('media', 'string', 'Media URIs to play, comma-separated (sound:, recording:, number:, digits:, characters:, tone:)', {
    required: true,
    allowMultiple: true,
    missingMessage: 'Media must be specified',
  }),
  query('lang', 'string', 'Language of the sounds'),
  query('offsetms', 'int', 'Milliseconds to skip at the start of the first media', { min: 0, defaultValue: 0 }),
  query('skipms', 'int', 'Milliseconds to skip on forward / reverse', { min: 0, defaultValue: 3000 }),
];

export const channelRoutes: RouteSpec[] = [
  {
    resource: 'channels',
    path: '/channels',
    method: 'GET',
    nickname: 'list',
    summary: 'List every channel.',
    responseClass: 'List[Channel]',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: [...pbx.channels.values()].map(channelSnapshot) }),
  },
  {
    resource: 'channels',
    path: '/channels',
    method: 'POST',
    nickname: 'originate',
    summary: 'Call an endpoint; the new channel enters the application when answered.',
    responseClass: 'Channel',
    params: [...originateParams, query('channelId', 'string', 'Id for the new channel')],
    errors: [
      { code: 400, reason: 'Invalid parameters for originating a channel.' },
      { code: 409, reason: 'Channel with given unique ID already exists.' },
      { code: 500, reason: 'Allocation failed' },
    ],
    handle: (pbx, params) => doOriginate(pbx, params, undefined),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    method: 'GET',
    nickname: 'get',
    summary: 'Channel details.',
    responseClass: 'Channel',
    params: [channelId],
    errors: [NOT_FOUND],
    handle: (pbx, params) => ({ status: 200, body: channelSnapshot(findChannel(pbx, params)) }),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    method: 'POST',
    nickname: 'originateWithId',
    summary: 'Originate with the channel id in the path.',
    responseClass: 'Channel',
    params: [channelId, ...originateParams],
    errors: [
      { code: 400, reason: 'Invalid parameters for originating a channel.' },
      { code: 409, reason: 'Channel with given unique ID already exists.' },
      { code: 500, reason: 'Allocation failed' },
    ],
    handle: (pbx, params) => doOriginate(pbx, params, str(params, 'channelId')),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    method: 'DELETE',
    nickname: 'hangup',
    summary: 'Hang up a channel.',
    responseClass: 'void',
    params: [
      channelId,
      query('reason_code', 'string', 'Q.850 cause code'),
      query('reason', 'string', 'Reason for the hang-up', { allowed: Object.keys(HANGUP_REASONS), invalidMessage: 'Invalid reason for hangup provided' }),
    ],
    errors: [{ code: 400, reason: 'Invalid reason for hangup provided' }, NOT_FOUND],
    handle(pbx, params) {
      const channel = findChannel(pbx, params);
      const cause = hangupCause(params);
      return noContent(() =>
        pbx.endChannel(channel, { request: { cause: 32, soft: true }, cause, ...(channel.ringing ? { dialStatus: 'CANCEL' } : {}) }),
      );
    },
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/continue',
    method: 'POST',
    nickname: 'continueInDialplan',
    summary: 'Leave Stasis and continue in the dialplan.',
    responseClass: 'void',
    params: [
      channelId,
      query('context', 'string', 'Context to continue at'),
      query('extension', 'string', 'Extension to continue at'),
      query('priority', 'int', 'Priority to continue at'),
      query('label', 'string', 'Label to continue at'),
    ],
    errors: [NOT_FOUND, NOT_IN_STASIS],
    handle(pbx, params) {
      const channel = stasisChannel(pbx, params);
      return noContent(() => {
        pbx.leaveStasis(channel);
        channel.dialplan = {
          context: str(params, 'context') ?? channel.dialplan.context,
          exten: str(params, 'extension') ?? channel.dialplan.exten,
          priority: (num(params, 'priority') ?? 1) + 1,
          app_name: 'Playback',
          app_data: 'hello-world',
        };
        // The simulated dialplan plays a prompt and hangs up; no application hears about it.
        pbx.scheduler.after(channel.id, 1420, () => pbx.dropSilently(channel, 16));
      });
    },
  },
  simple('/channels/{channelId}/answer', 'POST', 'answer', 'Answer a channel.', (pbx, channel) => pbx.setState(channel, 'Up')),
  simple('/channels/{channelId}/ring', 'POST', 'ring', 'Indicate ringing to a channel.', () => undefined),
  simple('/channels/{channelId}/ring', 'DELETE', 'ringStop', 'Stop ringing indication.', () => undefined),
  simple('/channels/{channelId}/dtmf', 'POST', 'sendDTMF', 'Send DTMF to the phone.', () => undefined, [
    query('dtmf', 'string', 'Digits to send', { required: true, missingMessage: 'DTMF is required' }),
    query('before', 'int', 'ms before the first digit', { min: 0 }),
    query('between', 'int', 'ms between digits', { min: 0, defaultValue: 100 }),
    query('duration', 'int', 'ms per digit', { min: 0, defaultValue: 100 }),
    query('after', 'int', 'ms after the last digit', { min: 0 }),
  ]),
  simple(
    '/channels/{channelId}/mute',
    'POST',
    'mute',
    'Mute a channel.',
    (_pbx, channel, params) => {
      channel.muted = str(params, 'direction') ?? 'both';
    },
    [query('direction', 'string', 'Direction to mute', { allowed: ['both', 'in', 'out'], defaultValue: 'both' })],
  ),
  simple(
    '/channels/{channelId}/mute',
    'DELETE',
    'unmute',
    'Unmute a channel.',
    (_pbx, channel) => {
      channel.muted = null;
    },
    [query('direction', 'string', 'Direction to unmute', { allowed: ['both', 'in', 'out'], defaultValue: 'both' })],
  ),
  simple('/channels/{channelId}/hold', 'POST', 'hold', 'Put a channel on hold (music, no events).', (pbx, channel) => {
    channel.ariHold = true;
    pbx.updateSilence(channel);
  }),
  simple('/channels/{channelId}/hold', 'DELETE', 'unhold', 'Take a channel off hold.', (pbx, channel) => {
    channel.ariHold = false;
    pbx.updateSilence(channel);
  }),
  simple('/channels/{channelId}/moh', 'POST', 'startMoh', 'Play music on hold.', (pbx, channel) => startMoh(pbx, channel), [
    query('mohClass', 'string', 'Music on hold class'),
  ]),
  simple('/channels/{channelId}/moh', 'DELETE', 'stopMoh', 'Stop music on hold.', (pbx, channel) => stopMoh(pbx, channel)),
  {
    resource: 'channels',
    path: '/channels/{channelId}/play',
    method: 'POST',
    nickname: 'play',
    summary: 'Play media to a channel.',
    responseClass: 'Playback',
    params: [channelId, ...playParams, query('playbackId', 'string', 'Id for the playback')],
    errors: [NOT_FOUND, NOT_IN_STASIS],
    handle: (pbx, params) => doPlay(pbx, params, undefined),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/play/{playbackId}',
    method: 'POST',
    nickname: 'playWithId',
    summary: 'Play media to a channel with the playback id in the path.',
    responseClass: 'Playback',
    params: [channelId, pathParam('playbackId', 'Playback id'), ...playParams],
    errors: [NOT_FOUND, NOT_IN_STASIS],
    handle: (pbx, params) => doPlay(pbx, params, str(params, 'playbackId')),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/record',
    method: 'POST',
    nickname: 'record',
    summary: 'Record audio from a channel.',
    responseClass: 'LiveRecording',
    params: [
      channelId,
      query('name', 'string', 'Recording name', { required: true, missingMessage: 'Recording name is required' }),
      query('format', 'string', 'File format', { required: true, missingMessage: 'Recording format is required' }),
      query('maxDurationSeconds', 'int', 'Maximum length in seconds, 0 for none', { min: 0, defaultValue: 0 }),
      query('maxSilenceSeconds', 'int', 'Maximum silence in seconds, 0 for none', { min: 0, defaultValue: 0 }),
      query('ifExists', 'string', 'What to do when a recording of that name exists', { allowed: ['fail', 'overwrite', 'append'], defaultValue: 'fail' }),
      query('beep', 'boolean', 'Beep before recording', { defaultValue: false }),
      query('terminateOn', 'string', 'DTMF that ends the recording', { allowed: ['none', 'any', '*', '#'], defaultValue: 'none' }),
    ],
    errors: [
      { code: 400, reason: 'Invalid parameters' },
      NOT_FOUND,
      { code: 409, reason: 'Channel not in a Stasis application; recording of that name in progress' },
      { code: 422, reason: 'The format is not supported, or a recording of that name exists' },
    ],
    handle(pbx, params) {
      const channel = stasisChannel(pbx, params);
      const name = str(params, 'name') ?? '';
      const format = str(params, 'format') ?? '';
      if (!['wav', 'gsm', 'ulaw', 'alaw', 'sln', 'g722', 'g729', 'wav49', 'WAV'].includes(format)) throw new AriError(422, `Format ${format} not supported`);
      if (pbx.recordings.has(name)) throw new AriError(409, 'Recording with the same name is already in progress');
      if ((str(params, 'ifExists') ?? 'fail') === 'fail' && pbx.stored.has(name)) {
        throw new AriError(422, 'Recording with the same name already exists on the system');
      }
      const recording = record(pbx, channel, {
        name,
        format,
        maxDurationSeconds: num(params, 'maxDurationSeconds') ?? 0,
        beep: bool(params, 'beep') ?? false,
        terminateOn: str(params, 'terminateOn') ?? 'none',
      });
      return { status: 201, body: { name: recording.name, format: recording.format, state: 'queued', target_uri: `channel:${channel.id}` } };
    },
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/variable',
    method: 'GET',
    nickname: 'getChannelVar',
    summary: 'Read a channel variable.',
    responseClass: 'Variable',
    params: [channelId, query('variable', 'string', 'Variable name', { required: true, missingMessage: 'Variable name is required' })],
    errors: [{ code: 400, reason: 'Missing variable parameter.' }, { code: 404, reason: 'Channel or variable not found' }],
    handle(pbx, params) {
      const channel = findChannel(pbx, params);
      const value = readVariable(channel, str(params, 'variable') ?? '');
      if (value === undefined) throw new AriError(404, 'Provided variable was not found');
      return { status: 200, body: { value } };
    },
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/variable',
    method: 'POST',
    nickname: 'setChannelVar',
    summary: 'Set a channel variable.',
    responseClass: 'void',
    params: [channelId, query('variable', 'string', 'Variable name', { required: true, missingMessage: 'Variable name is required' }), query('value', 'string', 'Value')],
    errors: [{ code: 400, reason: 'Missing variable parameter.' }, NOT_FOUND],
    handle(pbx, params) {
      const channel = findChannel(pbx, params);
      pbx.setVariable(channel, str(params, 'variable') ?? '', str(params, 'value') ?? '');
      return noContent();
    },
  },
];
