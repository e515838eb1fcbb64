/** Finding the channel a /channels request names, shared by the channel routes. */
import type { Channel } from '../model/channel.js';
import type { Pbx } from '../pbx.js';
import { AriError, pathParam, str } from './spec.js';
import type { Params } from './spec.js';

export const channelId = pathParam('channelId', 'Channel id');
export const NOT_FOUND = { code: 404, reason: 'Channel not found' };
export const NOT_IN_STASIS = { code: 409, reason: 'Channel not in a Stasis application' };

export function findChannel(pbx: Pbx, params: Params, name = 'channelId'): Channel {
  const channel = pbx.channels.get(str(params, name) ?? '');
  if (!channel) throw new AriError(404, 'Channel not found');
  return channel;
}

export function stasisChannel(pbx: Pbx, params: Params): Channel {
  const channel = findChannel(pbx, params);
  if (channel.stasisApp === null) throw new AriError(409, 'Channel not in Stasis application');
  return channel;
}
