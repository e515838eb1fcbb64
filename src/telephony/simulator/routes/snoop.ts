/** POST /channels/{channelId}/snoop: a snoop channel that spies on or whispers to a channel. */
import { channelSnapshot } from '../model/channel.js';
import type { SnoopDirection } from '../types.js';
import type { Pbx } from '../pbx.js';
import { channelId, findChannel, NOT_FOUND } from './channel-lookup.js';
import { AriError, pathParam, query, str } from './spec.js';
import type { Params, ParamSpec, Reply, RouteSpec } from './spec.js';

/** The router has already refused anything but the four values. */
const direction = (value: string | undefined): SnoopDirection => (value === 'both' || value === 'in' || value === 'out' ? value : 'none');

function doSnoop(pbx: Pbx, params: Params, snoopId: string | undefined): Reply {
  const target = findChannel(pbx, params);
  const app = str(params, 'app') ?? '';
  const spy = direction(str(params, 'spy'));
  const whisper = direction(str(params, 'whisper'));
  if (spy === 'none' && whisper === 'none') throw new AriError(400, 'Invalid direction specified');
  const id = snoopId ?? str(params, 'snoopId') ?? pbx.nextUniqueId();
  if (pbx.channels.has(id)) throw new AriError(409, 'Channel with given unique ID already exists');
  const appArgs = str(params, 'appArgs') ?? '';
  const snoop = pbx.createChannel({
    id,
    name: pbx.nextSnoopName(target.id),
    state: 'Up',
    protocolId: '',
    caller: { name: '', number: '' },
    connected: { name: '', number: '' },
    dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
    creationtime: pbx.timestamp(),
    kind: 'snoop',
  });
  snoop.snoopOf = target.id;
  snoop.snoopSpy = spy;
  snoop.snoopWhisper = whisper;
  target.snoops.add(snoop.id);
  const body = channelSnapshot(snoop);
  return {
    status: 200,
    body,
    after: () => {
      if (pbx.channels.get(snoop.id) !== snoop) return;
      snoop.dialplan = { ...snoop.dialplan, app_name: 'Stasis', app_data: [app, appArgs].filter((s) => s !== '').join(',') };
      pbx.enterStasis(snoop, app, appArgs === '' ? [] : appArgs.split(','));
    },
  };
}

const snoopParams: ParamSpec[] = [
  query('spy', 'string', 'Direction of audio to spy on', { allowed: ['none', 'both', 'out', 'in'], defaultValue: 'none', invalidMessage: 'Invalid direction specified for spy' }),
  query('whisper', 'string', 'Direction of audio to whisper into', {
    allowed: ['none', 'both', 'out', 'in'],
    defaultValue: 'none',
    invalidMessage: 'Invalid direction specified for whisper',
  }),
  query('app', 'string', 'Stasis application the snoop channel is placed into', { required: true, missingMessage: 'Application name is required' }),
  query('appArgs', 'string', 'Comma-separated arguments for StasisStart'),
];

export const snoopRoutes: RouteSpec[] = [
  {
    resource: 'channels',
    path: '/channels/{channelId}/snoop',
    method: 'POST',
    nickname: 'snoopChannel',
    summary: 'Spy on or whisper to a channel through a new snoop channel.',
    responseClass: 'Channel',
    params: [channelId, ...snoopParams, query('snoopId', 'string', 'Id for the snoop channel')],
    errors: [{ code: 400, reason: 'Invalid parameters' }, NOT_FOUND],
    handle: (pbx, params) => doSnoop(pbx, params, undefined),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/snoop/{snoopId}',
    method: 'POST',
    nickname: 'snoopChannelWithId',
    summary: 'Snoop with the snoop channel id in the path.',
    responseClass: 'Channel',
    params: [channelId, pathParam('snoopId', 'Snoop channel id'), ...snoopParams],
    errors: [{ code: 400, reason: 'Invalid parameters' }, NOT_FOUND],
    handle: (pbx, params) => doSnoop(pbx, params, str(params, 'snoopId')),
  },
];
