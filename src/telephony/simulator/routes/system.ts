/** /applications, /asterisk, /endpoints, /sounds and the /events WebSocket entry. */
import { DEFAULT_SOUND_MS, SOUND_NAMES } from '../media.js';
import type { Pbx } from '../pbx.js';
import { AriError, list, pathParam, query, str } from './spec.js';
import type { RouteSpec } from './spec.js';

export const ASTERISK_VERSION = '22.10.1';

function endpointList(pbx: Pbx): Array<Record<string, unknown>> {
  return [...pbx.endpoints.keys()].map((endpoint) => {
    const [technology = '', resource = ''] = endpoint.split('/');
    const channelIds = [...pbx.channels.values()].filter((c) => c.endpoint === endpoint).map((c) => c.id);
    const behaviour = pbx.endpoints.get(endpoint)?.behaviour;
    return { technology, resource, state: behaviour === 'unreachable' ? 'offline' : 'online', channel_ids: channelIds };
  });
}

function subscription(pbx: Pbx, app: string, sources: string[], subscribe: boolean): Record<string, unknown> {
  if (pbx.apps.get(app) === null) throw new AriError(404, 'Application not found');
  for (const source of sources) {
    const [kind, id = ''] = source.split(':');
    if (kind === 'channel') {
      const channel = pbx.channels.get(id);
      if (!channel) throw new AriError(422, `Event source not found: ${source}`);
      if (subscribe) {
        channel.subscriber = app;
        pbx.apps.subscribeChannel(app, channel.id);
      } else if (channel.subscriber === app) {
        pbx.apps.unsubscribeChannel(app, channel.id);
        channel.subscriber = null;
      }
    } else if (kind === 'bridge') {
      const bridge = pbx.bridges.get(id);
      if (!bridge) throw new AriError(422, `Event source not found: ${source}`);
      if (subscribe) {
        bridge.apps.add(app);
        pbx.apps.subscribeBridge(app, bridge.id);
      } else {
        bridge.apps.delete(app);
        pbx.apps.unsubscribeBridge(app, bridge.id);
      }
    } else if (kind !== 'endpoint' && kind !== 'deviceState') {
      throw new AriError(400, `Invalid event source URI scheme: ${source}`);
    }
  }
  return pbx.apps.get(app) ?? {};
}

const eventSource = query('eventSource', 'string', 'URIs of event sources: channel:{id}, bridge:{id}, endpoint:{tech}/{resource}, deviceState:{name}', {
  required: true,
  allowMultiple: true,
  missingMessage: 'Missing parameter eventSource',
});

export const systemRoutes: RouteSpec[] = [
  {
    resource: 'applications',
    path: '/applications',
    method: 'GET',
    nickname: 'list',
    summary: 'List applications.',
    responseClass: 'List[Application]',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: pbx.apps.list() }),
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}',
    method: 'GET',
    nickname: 'get',
    summary: 'Application details.',
    responseClass: 'Application',
    params: [pathParam('applicationName', 'Application name')],
    errors: [{ code: 404, reason: 'Application does not exist.' }],
    handle(pbx, params) {
      const app = pbx.apps.get(str(params, 'applicationName') ?? '');
      if (!app) throw new AriError(404, 'Application not found');
      return { status: 200, body: app };
    },
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}/subscription',
    method: 'POST',
    nickname: 'subscribe',
    summary: 'Subscribe an application to event sources.',
    responseClass: 'Application',
    params: [pathParam('applicationName', 'Application name'), eventSource],
    errors: [
      { code: 400, reason: 'Missing parameter.' },
      { code: 404, reason: 'Application does not exist.' },
      { code: 422, reason: 'Event source does not exist.' },
    ],
    handle: (pbx, params) => ({ status: 200, body: subscription(pbx, str(params, 'applicationName') ?? '', list(params, 'eventSource') ?? [], true) }),
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}/subscription',
    method: 'DELETE',
    nickname: 'unsubscribe',
    summary: 'Unsubscribe an application from event sources.',
    responseClass: 'Application',
    params: [pathParam('applicationName', 'Application name'), eventSource],
    errors: [
      { code: 400, reason: 'Missing parameter; event source scheme not recognized.' },
      { code: 404, reason: 'Application does not exist.' },
      { code: 422, reason: 'Event source does not exist.' },
    ],
    handle: (pbx, params) => ({ status: 200, body: subscription(pbx, str(params, 'applicationName') ?? '', list(params, 'eventSource') ?? [], false) }),
  },
  {
    resource: 'asterisk',
    path: '/asterisk/info',
    method: 'GET',
    nickname: 'getInfo',
    summary: 'Information about the PBX.',
    responseClass: 'AsteriskInfo',
    params: [query('only', 'string', 'Sections to return', { allowMultiple: true, allowed: ['build', 'system', 'config', 'status'] })],
    errors: [],
    handle(pbx, params) {
      const started = new Date(pbx.startedAt).toISOString().replace('Z', '+0000');
      const info: Record<string, unknown> = {
        build: { os: 'Linux', kernel: process.version, machine: process.arch, options: '', date: '', user: 'ringside-simulator' },
        system: { version: ASTERISK_VERSION, entity_id: pbx.options.asteriskId },
        config: { name: 'ringside-simulator', default_language: 'en', setid: { user: '', group: '' } },
        status: { startup_time: started, last_reload_time: started },
      };
      const only = list(params, 'only');
      if (only) for (const key of Object.keys(info)) if (!only.includes(key)) delete info[key];
      return { status: 200, body: info };
    },
  },
  {
    resource: 'asterisk',
    path: '/asterisk/ping',
    method: 'GET',
    nickname: 'ping',
    summary: 'Check that the PBX answers.',
    responseClass: 'AsteriskPing',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: { asterisk_id: pbx.options.asteriskId, ping: 'pong', timestamp: pbx.timestamp() } }),
  },
  {
    resource: 'endpoints',
    path: '/endpoints',
    method: 'GET',
    nickname: 'list',
    summary: 'List endpoints.',
    responseClass: 'List[Endpoint]',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: endpointList(pbx) }),
  },
  {
    resource: 'endpoints',
    path: '/endpoints/{tech}',
    method: 'GET',
    nickname: 'listByTech',
    summary: 'List the endpoints of one technology.',
    responseClass: 'List[Endpoint]',
    params: [pathParam('tech', 'Technology')],
    errors: [{ code: 404, reason: 'Endpoints not found' }],
    handle(pbx, params) {
      const tech = str(params, 'tech') ?? '';
      if (tech !== 'PJSIP') throw new AriError(404, 'No Endpoints found - invalid tech ' + tech);
      return { status: 200, body: endpointList(pbx) };
    },
  },
  {
    resource: 'endpoints',
    path: '/endpoints/{tech}/{resource}',
    method: 'GET',
    nickname: 'get',
    summary: 'Endpoint details.',
    responseClass: 'Endpoint',
    params: [pathParam('tech', 'Technology'), pathParam('resource', 'Resource')],
    errors: [{ code: 400, reason: 'Invalid parameters' }, { code: 404, reason: 'Endpoint not found' }],
    handle(pbx, params) {
      const wanted = `${str(params, 'tech') ?? ''}/${str(params, 'resource') ?? ''}`;
      const endpoint = endpointList(pbx).find((e) => `${String(e.technology)}/${String(e.resource)}` === wanted);
      if (!endpoint) throw new AriError(404, 'Endpoint not found');
      return { status: 200, body: endpoint };
    },
  },
  {
    resource: 'sounds',
    path: '/sounds',
    method: 'GET',
    nickname: 'list',
    summary: 'List the sounds the simulator knows the length of.',
    responseClass: 'List[Sound]',
    params: [query('lang', 'string', 'Language filter'), query('format', 'string', 'Format filter')],
    errors: [],
    handle: () => ({ status: 200, body: SOUND_NAMES.map((id) => ({ id, text: '', formats: [{ language: 'en', format: 'gsm' }] })) }),
  },
  {
    resource: 'sounds',
    path: '/sounds/{soundId}',
    method: 'GET',
    nickname: 'get',
    summary: `Sound details (unknown sounds play for ${DEFAULT_SOUND_MS} ms but are not listed).`,
    responseClass: 'Sound',
    params: [pathParam('soundId', 'Sound id')],
    errors: [{ code: 404, reason: 'Sound not found' }],
    handle(_pbx, params) {
      const id = str(params, 'soundId') ?? '';
      if (!SOUND_NAMES.includes(id)) throw new AriError(404, 'Sound not found');
      return { status: 200, body: { id, text: '', formats: [{ language: 'en', format: 'gsm' }] } };
    },
  },
  {
    resource: 'events',
    path: '/events',
    method: 'GET',
    nickname: 'eventWebsocket',
    summary: 'WebSocket of events for the given applications (one socket per application; a newer one replaces it).',
    responseClass: 'Message',
    upgrade: 'websocket',
    params: [
      query('app', 'string', 'Applications to subscribe to, comma-separated', { required: true, allowMultiple: true }),
      query('subscribeAll', 'boolean', 'Subscribe to every event source (accepted, not simulated)'),
    ],
    errors: [],
    handle: () => {
      throw new AriError(400, 'WebSocket upgrade required');
    },
  },
];
