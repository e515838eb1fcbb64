import type { AriApi } from './ari-api.js';
import type { AriRest } from './ari-rest.js';

const id = encodeURIComponent;

/**
 * Each operation as Asterisk 22 takes it (api-docs/*.json): method, path,
 * query parameters; the only body parameter Ringside sends is originate's
 * `variables`, as {"variables": {...}}.
 */
export function ariOperations(rest: AriRest): AriApi {
  return {
    channels: {
      answer: ({ channelId }, signal) => rest.request('POST', `/channels/${id(channelId)}/answer`, undefined, undefined, signal),
      play: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/play`, query, undefined, signal),
      startMoh: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/moh`, query, undefined, signal),
      stopMoh: ({ channelId }, signal) => rest.request('DELETE', `/channels/${id(channelId)}/moh`, undefined, undefined, signal),
      originate: ({ variables, ...query }, signal) => rest.request('POST', '/channels', query, variables ? { variables } : undefined, signal),
      hold: ({ channelId }, signal) => rest.request('POST', `/channels/${id(channelId)}/hold`, undefined, undefined, signal),
      unhold: ({ channelId }, signal) => rest.request('DELETE', `/channels/${id(channelId)}/hold`, undefined, undefined, signal),
      snoopChannel: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/snoop`, query, undefined, signal),
      record: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/record`, query, undefined, signal),
      setChannelVar: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/variable`, query, undefined, signal),
      getChannelVar: ({ channelId, ...query }, signal) => rest.request('GET', `/channels/${id(channelId)}/variable`, query, undefined, signal),
      continueInDialplan: ({ channelId, ...query }, signal) => rest.request('POST', `/channels/${id(channelId)}/continue`, query, undefined, signal),
      hangup: ({ channelId, ...query }, signal) => rest.request('DELETE', `/channels/${id(channelId)}`, query, undefined, signal),
      list: (signal) => rest.request('GET', '/channels', undefined, undefined, signal),
      get: ({ channelId }, signal) => rest.request('GET', `/channels/${id(channelId)}`, undefined, undefined, signal),
    },
    bridges: {
      create: (query, signal) => rest.request('POST', '/bridges', query, undefined, signal),
      destroy: ({ bridgeId }, signal) => rest.request('DELETE', `/bridges/${id(bridgeId)}`, undefined, undefined, signal),
      addChannel: ({ bridgeId, ...query }, signal) => rest.request('POST', `/bridges/${id(bridgeId)}/addChannel`, query, undefined, signal),
      removeChannel: ({ bridgeId, ...query }, signal) => rest.request('POST', `/bridges/${id(bridgeId)}/removeChannel`, query, undefined, signal),
      list: (signal) => rest.request('GET', '/bridges', undefined, undefined, signal),
    },
    playbacks: {
      stop: ({ playbackId }, signal) => rest.request('DELETE', `/playbacks/${id(playbackId)}`, undefined, undefined, signal),
    },
    recordings: {
      stop: ({ recordingName }, signal) => rest.request('POST', `/recordings/live/${id(recordingName)}/stop`, undefined, undefined, signal),
    },
    applications: {
      get: ({ applicationName }, signal) => rest.request('GET', `/applications/${id(applicationName)}`, undefined, undefined, signal),
    },
    asterisk: {
      getInfo: (signal) => rest.request('GET', '/asterisk/info', undefined, undefined, signal),
    },
  };
}
