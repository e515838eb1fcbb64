/** /bridges: create, list, destroy, add / remove channels, bridge-wide music and playback. */
import { randomUUID } from 'node:crypto';
import { createBridge, destroyBridge, joinBridge, leaveBridge } from '../bridging.js';
import { play } from '../media.js';
import { bridgeSnapshot, playbackSnapshot } from '../model/bridge.js';
import type { Bridge } from '../model/bridge.js';
import type { Pbx } from '../pbx.js';
import { AriError, list, noContent, num, pathParam, query, str } from './spec.js';
import type { Params, ParamSpec, Reply, RouteSpec } from './spec.js';

const bridgeId = pathParam('bridgeId', 'Bridge id');
const NOT_FOUND = { code: 404, reason: 'Bridge not found' };
const BRIDGE_TYPES = ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'];

function findBridge(pbx: Pbx, params: Params): Bridge {
  const bridge = pbx.bridges.get(str(params, 'bridgeId') ?? '');
  if (!bridge) throw new AriError(404, 'Bridge not found');
  return bridge;
}

const createParams: ParamSpec[] = [
  query('type', 'string', 'Comma-separated bridge features: mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label', {
    allowMultiple: true,
    allowed: BRIDGE_TYPES,
    invalidMessage: 'Invalid bridge type',
  }),
  query('name', 'string', 'Name to give the bridge'),
];

function doCreate(pbx: Pbx, params: Params, id: string | undefined): Reply {
  const bridgeId = id ?? str(params, 'bridgeId') ?? randomUUID();
  if (pbx.bridges.has(bridgeId)) throw new AriError(409, `Bridge with id '${bridgeId}' already exists`);
  const bridge = createBridge(pbx, bridgeId, str(params, 'name') ?? '', list(params, 'type') ?? ['mixing']);
  return { status: 200, body: bridgeSnapshot(bridge) };
}

function doPlay(pbx: Pbx, params: Params, playbackId: string | undefined): Reply {
  const bridge = findBridge(pbx, params);
  const media = list(params, 'media') ?? [];
  if (media.length === 0) throw new AriError(400, 'Media must be specified');
  const id = playbackId ?? str(params, 'playbackId') ?? randomUUID();
  if (pbx.playbacks.has(id)) throw new AriError(409, 'Playback with given id already exists');
  const playback = play(pbx, bridge, 'bridge', { media, playbackId: id, language: str(params, 'lang') ?? 'en', offsetMs: num(params, 'offsetms') ?? 0 });
  return { status: 201, body: playbackSnapshot(playback) };
}

const playParams: ParamSpec[] = [
  query('media', 'string', 'Media URIs to play, comma-separated', { required: true, allowMultiple: true, missingMessage: 'Media must be specified' }),
  query('lang', 'string', 'Language of the sounds'),
  query('offsetms', 'int', 'Milliseconds to skip at the start', { min: 0, defaultValue: 0 }),
  query('skipms', 'int', 'Milliseconds to skip on forward / reverse', { min: 0, defaultValue: 3000 }),
];

const channelList = query('channel', 'string', 'Ids of channels, comma-separated', { required: true, allowMultiple: true, missingMessage: 'Missing parameter channel' });

export const bridgeRoutes: RouteSpec[] = [
  {
    resource: 'bridges',
    path: '/bridges',
    method: 'GET',
    nickname: 'list',
    summary: 'List every bridge.',
    responseClass: 'List[Bridge]',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: [...pbx.bridges.values()].map(bridgeSnapshot) }),
  },
  {
    resource: 'bridges',
    path: '/bridges',
    method: 'POST',
    nickname: 'create',
    summary: 'Create a bridge.',
    responseClass: 'Bridge',
    params: [...createParams, query('bridgeId', 'string', 'Id for the new bridge')],
    errors: [{ code: 409, reason: 'Bridge with the same id already exists' }],
    handle: (pbx, params) => doCreate(pbx, params, undefined),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    method: 'POST',
    nickname: 'createWithId',
    summary: 'Create a bridge with the id in the path.',
    responseClass: 'Bridge',
    params: [bridgeId, ...createParams],
    errors: [{ code: 409, reason: 'Bridge with the same id already exists' }],
    handle: (pbx, params) => doCreate(pbx, params, str(params, 'bridgeId')),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    method: 'GET',
    nickname: 'get',
    summary: 'Bridge details.',
    responseClass: 'Bridge',
    params: [bridgeId],
    errors: [NOT_FOUND],
    handle: (pbx, params) => ({ status: 200, body: bridgeSnapshot(findBridge(pbx, params)) }),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    method: 'DELETE',
    nickname: 'destroy',
    summary: 'Destroy a bridge; its channels stay up.',
    responseClass: 'void',
    params: [bridgeId],
    errors: [NOT_FOUND],
    handle(pbx, params) {
      const bridge = findBridge(pbx, params);
      return noContent(() => destroyBridge(pbx, bridge));
    },
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/addChannel',
    method: 'POST',
    nickname: 'addChannel',
    summary: 'Add channels to a bridge.',
    responseClass: 'void',
    params: [
      bridgeId,
      channelList,
      query('role', 'string', 'Role of the channels in the bridge'),
      query('absorbDTMF', 'boolean', 'Absorb DTMF from these channels', { defaultValue: false }),
      query('mute', 'boolean', 'Mute these channels in the bridge', { defaultValue: false }),
      query('inhibitConnectedLineUpdates', 'boolean', 'Do not update connected line', { defaultValue: false }),
    ],
    errors: [
      { code: 400, reason: 'Channel not found' },
      NOT_FOUND,
      { code: 409, reason: 'Bridge not in Stasis application' },
      { code: 422, reason: 'Channel not in Stasis application' },
    ],
    handle(pbx, params) {
      const bridge = findBridge(pbx, params);
      const channels = (list(params, 'channel') ?? []).map((id) => {
        const channel = pbx.channels.get(id);
        if (!channel) throw new AriError(400, 'Channel not found');
        if (channel.stasisApp === null) throw new AriError(422, 'Channel not in Stasis application');
        return channel;
      });
      for (const channel of channels) joinBridge(pbx, bridge, channel);
      return noContent();
    },
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/removeChannel',
    method: 'POST',
    nickname: 'removeChannel',
    summary: 'Remove channels from a bridge.',
    responseClass: 'void',
    params: [bridgeId, channelList],
    errors: [
      { code: 400, reason: 'Channel not found' },
      NOT_FOUND,
      { code: 409, reason: 'Bridge not in Stasis application' },
      { code: 422, reason: 'Channel not in this bridge' },
    ],
    handle(pbx, params) {
      const bridge = findBridge(pbx, params);
      const channels = (list(params, 'channel') ?? []).map((id) => {
        const channel = pbx.channels.get(id);
        if (!channel) throw new AriError(400, 'Channel not found');
        if (channel.bridgeId !== bridge.id) throw new AriError(422, 'Channel not in this bridge');
        return channel;
      });
      for (const channel of channels) leaveBridge(pbx, channel);
      return noContent();
    },
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/moh',
    method: 'POST',
    nickname: 'startMoh',
    summary: 'Play music on hold to the bridge.',
    responseClass: 'void',
    params: [bridgeId, query('mohClass', 'string', 'Music on hold class')],
    errors: [NOT_FOUND, { code: 409, reason: 'Bridge not in Stasis application' }],
    handle(pbx, params) {
      const bridge = findBridge(pbx, params);
      bridge.moh = true;
      for (const id of bridge.channels) {
        const channel = pbx.channels.get(id);
        if (channel) pbx.updateSilence(channel);
      }
      return noContent();
    },
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/moh',
    method: 'DELETE',
    nickname: 'stopMoh',
    summary: 'Stop music on hold in the bridge.',
    responseClass: 'void',
    params: [bridgeId],
    errors: [NOT_FOUND, { code: 409, reason: 'Bridge not in Stasis application' }],
    handle(pbx, params) {
      const bridge = findBridge(pbx, params);
      bridge.moh = false;
      for (const id of bridge.channels) {
        const channel = pbx.channels.get(id);
        if (channel) pbx.updateSilence(channel);
      }
      return noContent();
    },
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/play',
    method: 'POST',
    nickname: 'play',
    summary: 'Play media to every channel of the bridge.',
    responseClass: 'Playback',
    params: [bridgeId, ...playParams, query('playbackId', 'string', 'Id for the playback')],
    errors: [NOT_FOUND, { code: 409, reason: 'Bridge not in a Stasis application' }],
    handle: (pbx, params) => doPlay(pbx, params, undefined),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/play/{playbackId}',
    method: 'POST',
    nickname: 'playWithId',
    summary: 'Play media to the bridge with the playback id in the path.',
    responseClass: 'Playback',
    params: [bridgeId, pathParam('playbackId', 'Playback id'), ...playParams],
    errors: [NOT_FOUND, { code: 409, reason: 'Bridge not in a Stasis application' }],
    handle: (pbx, params) => doPlay(pbx, params, str(params, 'playbackId')),
  },
];
