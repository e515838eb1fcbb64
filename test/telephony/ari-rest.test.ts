/**
 * Ringside's own ARI client against the PBX simulator over real HTTP: every
 * operation as Asterisk 22's API description has it, errors as the domain's
 * kinds, kept-alive connections reused, and no request lost or hanging when
 * the server closes an idle connection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { TelephonyError } from '../../src/calls/telephony.js';
import type { AriApi } from '../../src/telephony/ari/ari-api.js';
import { ariOperations } from '../../src/telephony/ari/ari-operations.js';
import { AriHttpError, AriRest } from '../../src/telephony/ari/ari-rest.js';
import { toTelephonyError } from '../../src/telephony/ari/errors.js';
import { App, simulator } from '../simulator/helpers.js';
import { startHttpProxy, type HttpProxyOptions, type RecordedRequest } from './proxies.js';

/**
 * What Asterisk 22's api-docs say of each operation the client implements
 * (method, path, the names of its query and body parameters). Checked against
 * the api-docs themselves below when they are at hand (../shared/ari/api-docs).
 */
const API_DOCS: Record<string, { method: string; path: string; query: string[]; body: string[] }> = {
  'channels.answer': { method: 'POST', path: '/channels/{channelId}/answer', query: [], body: [] },
  'channels.play': { method: 'POST', path: '/channels/{channelId}/play', query: ['media', 'lang', 'offsetms', 'skipms', 'playbackId'], body: [] },
  'channels.startMoh': { method: 'POST', path: '/channels/{channelId}/moh', query: ['mohClass'], body: [] },
  'channels.stopMoh': { method: 'DELETE', path: '/channels/{channelId}/moh', query: [], body: [] },
  'channels.originate': {
    method: 'POST',
    path: '/channels',
    query: ['endpoint', 'extension', 'context', 'priority', 'label', 'app', 'appArgs', 'callerId', 'timeout', 'channelId', 'otherChannelId', 'originator', 'formats'],
    body: ['variables'],
  },
  'channels.hold': { method: 'POST', path: '/channels/{channelId}/hold', query: [], body: [] },
  'channels.unhold': { method: 'DELETE', path: '/channels/{channelId}/hold', query: [], body: [] },
  'channels.snoopChannel': { method: 'POST', path: '/channels/{channelId}/snoop', query: ['spy', 'whisper', 'app', 'appArgs', 'snoopId'], body: [] },
  'channels.record': { method: 'POST', path: '/channels/{channelId}/record', query: ['name', 'format', 'maxDurationSeconds', 'maxSilenceSeconds', 'ifExists', 'beep', 'terminateOn'], body: [] },
  'channels.setChannelVar': { method: 'POST', path: '/channels/{channelId}/variable', query: ['variable', 'value', 'report_events'], body: [] },
  'channels.getChannelVar': { method: 'GET', path: '/channels/{channelId}/variable', query: ['variable'], body: [] },
  'channels.continueInDialplan': { method: 'POST', path: '/channels/{channelId}/continue', query: ['context', 'extension', 'priority', 'label'], body: [] },
  'channels.hangup': { method: 'DELETE', path: '/channels/{channelId}', query: ['reason_code', 'reason'], body: [] },
  'channels.list': { method: 'GET', path: '/channels', query: [], body: [] },
  'bridges.create': { method: 'POST', path: '/bridges', query: ['type', 'bridgeId', 'name'], body: ['variables'] },
  'bridges.destroy': { method: 'DELETE', path: '/bridges/{bridgeId}', query: [], body: [] },
  'bridges.addChannel': { method: 'POST', path: '/bridges/{bridgeId}/addChannel', query: ['channel', 'role', 'absorbDTMF', 'mute', 'inhibitConnectedLineUpdates'], body: [] },
  'bridges.removeChannel': { method: 'POST', path: '/bridges/{bridgeId}/removeChannel', query: ['channel'], body: [] },
  'bridges.list': { method: 'GET', path: '/bridges', query: [], body: [] },
  'playbacks.stop': { method: 'DELETE', path: '/playbacks/{playbackId}', query: [], body: [] },
  'recordings.stop': { method: 'POST', path: '/recordings/live/{recordingName}/stop', query: [], body: [] },
  'applications.get': { method: 'GET', path: '/applications/{applicationName}', query: [], body: [] },
  'asterisk.getInfo': { method: 'GET', path: '/asterisk/info', query: ['only'], body: [] },
};

const SHARED_API_DOCS = fileURLToPath(new URL('../../../shared/ari/api-docs/', import.meta.url));

interface SwaggerParam {
  name: string;
  paramType: string;
}
interface SwaggerDeclaration {
  apis: Array<{ path: string; operations: Array<{ httpMethod: string; nickname: string; parameters?: SwaggerParam[] }> }>;
}

t.test('the operation table is what the api-docs of Asterisk 22 say', { skip: existsSync(SHARED_API_DOCS) ? false : 'no ../shared/ari/api-docs here' }, async (t) => {
  for (const [name, expected] of Object.entries(API_DOCS)) {
    const [resource, nickname] = name.split('.') as [string, string];
    const declaration = JSON.parse(readFileSync(`${SHARED_API_DOCS}${resource}.json`, 'utf8')) as SwaggerDeclaration;
    const found = declaration.apis.flatMap((api) => api.operations.filter((op) => op.nickname === nickname).map((op) => ({ api, op })));
    const documented = found.find(({ api, op }) => api.path === expected.path && op.httpMethod === expected.method);
    t.ok(documented, `${name} is ${expected.method} ${expected.path}`);
    if (!documented) continue;
    const params = documented.op.parameters ?? [];
    t.same(params.filter((p) => p.paramType === 'query').map((p) => p.name), expected.query, `${name} query parameters`);
    t.same(params.filter((p) => p.paramType === 'body').map((p) => p.name), expected.body, `${name} body parameters`);
  }
});

/** Checks the last request the proxy saw against the api-docs entry of `operation`, with these path parameters. */
function checkWire(t: Test, request: RecordedRequest | undefined, operation: string, pathParams: string[] = []): URLSearchParams {
  const expected = API_DOCS[operation];
  if (!request || !expected) throw new Error(`no request or no table entry for ${operation}`);
  const url = new URL(request.url, 'http://x');
  const pattern = new RegExp(`^/ari${expected.path.replace(/\{\w+\}/g, '([^/]+)')}$`);
  const match = pattern.exec(url.pathname);
  t.equal(request.method, expected.method, `${operation}: method`);
  t.ok(match, `${operation}: path ${url.pathname} is ${expected.path}`);
  t.same(match?.slice(1).map(decodeURIComponent), pathParams, `${operation}: path parameters`);
  const names = [...new Set(url.searchParams.keys())];
  t.same(names.filter((n) => !expected.query.includes(n)), [], `${operation}: only documented query parameters (${names.join(', ')})`);
  if (expected.body.length === 0) t.equal(request.body, '', `${operation}: no body`);
  return url.searchParams;
}

async function ariRig(t: Test, proxyOptions: HttpProxyOptions = {}, connections?: number) {
  const sim = await simulator({ timeScale: 0.05, endpoints: { 'PJSIP/1001': { behaviour: 'answer', answerAfterMs: 100 } } });
  const proxy = await startHttpProxy(sim.url, proxyOptions);
  const rest = new AriRest({ url: proxy.url, user: 'ringside', password: 'secret', connections });
  t.teardown(async () => {
    await rest.close();
    await proxy.close();
    await sim.close();
  });
  return { sim, proxy, rest, ari: ariOperations(rest) };
}

t.test('every operation reaches the PBX as Asterisk 22 takes it, and has its effect', async (t) => {
  const { sim, proxy, ari } = await ariRig(t);
  const app = await App.connect(sim.url, 'ringside');
  t.teardown(() => app.close());
  const last = (): RecordedRequest | undefined => proxy.requests.at(-1);

  t.ok(await ari.asterisk.getInfo(), 'asterisk info');
  checkWire(t, last(), 'asterisk.getInfo');

  const placed = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === placed.channelId);
  const caller = placed.channelId;

  t.match(await ari.channels.list(), [{ id: caller }]);
  checkWire(t, last(), 'channels.list');
  t.match(await ari.applications.get({ applicationName: 'ringside' }), { name: 'ringside', channel_ids: [caller] });
  checkWire(t, last(), 'applications.get', ['ringside']);

  await ari.channels.answer({ channelId: caller });
  checkWire(t, last(), 'channels.answer', [caller]);
  t.equal(sim.control.callState(caller)?.state, 'Up');

  const playback = await ari.channels.play({ channelId: caller, media: 'sound:hello-world,sound:demo-congrats', playbackId: 'pb-1', lang: 'en' });
  t.equal(playback.id, 'pb-1');
  t.same(Object.fromEntries(checkWire(t, last(), 'channels.play', [caller])), { media: 'sound:hello-world,sound:demo-congrats', playbackId: 'pb-1', lang: 'en' });
  await ari.playbacks.stop({ playbackId: 'pb-1' });
  checkWire(t, last(), 'playbacks.stop', ['pb-1']);
  await app.wait('PlaybackFinished', (e) => (e.playback as { id: string }).id === 'pb-1');

  await ari.channels.startMoh({ channelId: caller, mohClass: 'default' });
  t.equal(checkWire(t, last(), 'channels.startMoh', [caller]).get('mohClass'), 'default');
  t.equal(sim.control.callState(caller)?.musicOnHold, true);
  await ari.channels.stopMoh({ channelId: caller });
  checkWire(t, last(), 'channels.stopMoh', [caller]);
  t.equal(sim.control.callState(caller)?.musicOnHold, false);

  await ari.channels.setChannelVar({ channelId: caller, variable: 'QUEUE', value: 'support & sales' });
  t.same(Object.fromEntries(checkWire(t, last(), 'channels.setChannelVar', [caller])), { variable: 'QUEUE', value: 'support & sales' });
  t.same(await ari.channels.getChannelVar({ channelId: caller, variable: 'QUEUE' }), { value: 'support & sales' });
  checkWire(t, last(), 'channels.getChannelVar', [caller]);

  const agent = await ari.channels.originate({
    endpoint: 'PJSIP/1001',
    app: 'ringside',
    appArgs: 'agent,x y',
    callerId: '"Ringside" <+14155550123>',
    timeout: 20,
    channelId: 'agent-1',
    variables: { RINGSIDE_CALL: 'call-1', 'CALLERID(name)': 'Zoë' },
  });
  t.equal(agent.id, 'agent-1');
  const originate = last();
  t.same(Object.fromEntries(checkWire(t, originate, 'channels.originate')), {
    endpoint: 'PJSIP/1001',
    app: 'ringside',
    appArgs: 'agent,x y',
    callerId: '"Ringside" <+14155550123>',
    timeout: '20',
    channelId: 'agent-1',
  });
  t.same(JSON.parse(originate?.body ?? ''), { variables: { RINGSIDE_CALL: 'call-1', 'CALLERID(name)': 'Zoë' } }, 'variables as the JSON body {"variables": {...}}');
  t.match(originate?.headers['content-type'], /application\/json/);
  t.same(await ari.channels.getChannelVar({ channelId: 'agent-1', variable: 'RINGSIDE_CALL' }), { value: 'call-1' }, 'the variables reached the channel');
  await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'agent-1');

  t.match(await ari.bridges.create({ type: 'mixing', bridgeId: 'br-1', name: 'call' }), { id: 'br-1' });
  t.same(Object.fromEntries(checkWire(t, last(), 'bridges.create')), { type: 'mixing', bridgeId: 'br-1', name: 'call' });
  await ari.bridges.addChannel({ bridgeId: 'br-1', channel: `${caller},agent-1` });
  t.equal(checkWire(t, last(), 'bridges.addChannel', ['br-1']).get('channel'), `${caller},agent-1`);
  t.equal(sim.control.callState(caller)?.bridgeId, 'br-1');
  t.match(await ari.bridges.list(), [{ id: 'br-1', channels: [caller, 'agent-1'] }]);
  checkWire(t, last(), 'bridges.list');

  await ari.channels.hold({ channelId: caller });
  checkWire(t, last(), 'channels.hold', [caller]);
  t.equal(sim.control.callState(caller)?.onHold, true);
  await ari.channels.unhold({ channelId: caller });
  checkWire(t, last(), 'channels.unhold', [caller]);
  t.equal(sim.control.callState(caller)?.onHold, false);

  const snoop = await ari.channels.snoopChannel({ channelId: caller, app: 'ringside', spy: 'both', whisper: 'none', snoopId: 'snoop-1', appArgs: 'supervisor,listen' });
  t.equal(snoop.id, 'snoop-1');
  t.same(Object.fromEntries(checkWire(t, last(), 'channels.snoopChannel', [caller])), { app: 'ringside', spy: 'both', whisper: 'none', snoopId: 'snoop-1', appArgs: 'supervisor,listen' });
  t.match(await app.wait('StasisStart', (e) => (e.channel as { id: string }).id === 'snoop-1'), { args: ['supervisor', 'listen'] });

  await ari.bridges.removeChannel({ bridgeId: 'br-1', channel: 'agent-1' });
  t.equal(checkWire(t, last(), 'bridges.removeChannel', ['br-1']).get('channel'), 'agent-1');
  await ari.channels.hangup({ channelId: 'agent-1', reason: 'normal' });
  t.equal(checkWire(t, last(), 'channels.hangup', ['agent-1']).get('reason'), 'normal');
  t.equal(sim.control.callState('agent-1')?.ended, true);
  await ari.bridges.removeChannel({ bridgeId: 'br-1', channel: caller });
  await ari.bridges.destroy({ bridgeId: 'br-1' });
  checkWire(t, last(), 'bridges.destroy', ['br-1']);
  t.same(await ari.bridges.list(), []);

  const recording = await ari.channels.record({ channelId: caller, name: 'vm 1', format: 'wav', ifExists: 'fail', maxDurationSeconds: 30, maxSilenceSeconds: 5, beep: true, terminateOn: '#' });
  t.equal(recording.name, 'vm 1');
  t.same(Object.fromEntries(checkWire(t, last(), 'channels.record', [caller])), {
    name: 'vm 1',
    format: 'wav',
    ifExists: 'fail',
    maxDurationSeconds: '30',
    maxSilenceSeconds: '5',
    beep: 'true',
    terminateOn: '#',
  });
  await app.wait('RecordingStarted');
  await ari.recordings.stop({ recordingName: 'vm 1' });
  checkWire(t, last(), 'recordings.stop', ['vm 1']);
  t.match(await app.wait('RecordingFinished'), { recording: { name: 'vm 1', state: 'done' } });

  await ari.channels.continueInDialplan({ channelId: caller, context: 'ringside-down', extension: '800', priority: 1 });
  t.same(Object.fromEntries(checkWire(t, last(), 'channels.continueInDialplan', [caller])), { context: 'ringside-down', extension: '800', priority: '1' });
  await app.wait('StasisEnd', (e) => (e.channel as { id: string }).id === caller);
  t.notOk((await ari.applications.get({ applicationName: 'ringside' })).channel_ids.includes(caller), 'the caller left the application');

  const basic = `Basic ${Buffer.from('ringside:secret').toString('base64')}`;
  t.ok(
    proxy.requests.every((r) => r.headers.authorization === basic),
    'Basic auth on every request',
  );
  t.notOk(
    proxy.requests.some((r) => r.url.includes('secret')),
    'the password is never in a URL',
  );
});

t.test('an error answer becomes the TelephonyError kind the domain expects', async (t) => {
  const { sim, ari } = await ariRig(t);
  const app = await App.connect(sim.url, 'ringside');
  t.teardown(() => app.close());
  const placed = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await app.wait('StasisStart');
  const kind = async (what: string, run: (ari: AriApi) => Promise<unknown>): Promise<string> =>
    run(ari).then(
      () => 'ok',
      (error: unknown) => toTelephonyError(error, what).code,
    );

  t.equal(await kind('answer', (a) => a.channels.answer({ channelId: 'nope' })), 'not_found', '404 Channel not found');
  t.equal(await kind('get variable', (a) => a.channels.getChannelVar({ channelId: placed.channelId, variable: 'UNSET' })), 'not_found', '404 variable not found');
  t.equal(await kind('originate', (a) => a.channels.originate({ endpoint: 'PJSIP/nosuch', app: 'ringside' })), 'unreachable', '500 Allocation failed');
  t.equal(await kind('originate', (a) => a.channels.originate({ endpoint: 'nosuch', app: 'ringside' })), 'invalid', '400 Invalid endpoint specified');
  t.equal(await kind('create bridge', (a) => a.bridges.create({ type: 'mixing', bridgeId: 'b' })), 'ok');
  t.equal(await kind('create bridge', (a) => a.bridges.create({ type: 'mixing', bridgeId: 'b' })), 'conflict', '409 already exists');
  t.equal(await kind('add to bridge', (a) => a.bridges.addChannel({ bridgeId: 'b', channel: 'nope' })), 'not_found', '400 Channel not found');
  t.equal(await kind('remove from bridge', (a) => a.bridges.removeChannel({ bridgeId: 'b', channel: placed.channelId })), 'failed', '422 Channel not in this bridge (as with ari-client)');
  await ari.channels.continueInDialplan({ channelId: placed.channelId, context: 'elsewhere' });
  t.equal(await kind('answer', (a) => a.channels.answer({ channelId: placed.channelId })), 'not_found', '409 Channel not in Stasis application');

  const error = await ari.channels.answer({ channelId: 'nope' }).catch((e: unknown) => e);
  t.match(error, { name: 'AriHttpError', status: 404, reason: 'Channel not found', method: 'POST', path: '/channels/nope/answer' });

  const wrong = ariOperations(new AriRest({ url: sim.url, user: 'ringside', password: 'wrong' }));
  t.equal(await kind('list', () => wrong.channels.list()), 'unavailable', '401 is unavailable');
  const nobody = ariOperations(new AriRest({ url: 'http://127.0.0.1:1', user: 'ringside', password: 'secret' }));
  t.equal(await kind('list', () => nobody.channels.list()), 'unavailable', 'nothing listening is unavailable');
});

t.test('status and text rules for answers the simulator does not give', async (t) => {
  const http = (status: number, reason: string): TelephonyError => toTelephonyError(new AriHttpError(status, reason, 'POST', '/x'), 'x');
  t.equal(http(404, 'Resource not found').code, 'not_found');
  t.equal(http(412, 'Channel in invalid state').code, 'invalid');
  t.equal(http(409, 'Playback not yet started').code, 'conflict', 'an unnamed 409 is a conflict');
  t.equal(http(400, 'something odd').code, 'invalid', 'an unnamed 400 is invalid');
  t.equal(http(422, 'Channel not in Stasis application').code, 'not_found');
  t.equal(http(500, 'Internal Server Error').code, 'failed');
  t.equal(http(403, 'Forbidden').code, 'unavailable');
  t.match(http(404, 'Channel not found').message, /^x: Channel not found$/);
  const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  t.equal(toTelephonyError(reset, 'x').code, 'unavailable');
  t.equal(toTelephonyError(new DOMException('aborted', 'AbortError'), 'x').code, 'unavailable');
  t.equal(toTelephonyError(new SyntaxError('Unexpected token'), 'x').code, 'failed');
});

t.test('kept-alive connections are reused', async (t) => {
  const { sim, proxy, ari } = await ariRig(t);
  for (let i = 0; i < 100; i++) await ari.channels.list();
  // undici's pool opens a second connection for the second request (the first is not marked free yet), then reuses both.
  t.ok(proxy.connections() <= 2, `100 requests one after another: ${proxy.connections()} connections`);
  await Promise.all(Array.from({ length: 200 }, () => ari.bridges.list()));
  t.ok(proxy.connections() <= 34, `200 at once: ${proxy.connections()} connections (at most the pool's 32 + the first two)`);
  const before = proxy.connections();
  for (let i = 0; i < 50; i++) await ari.asterisk.getInfo();
  t.equal(proxy.connections(), before, 'then reused again');
  t.equal(proxy.requests.length, 350);
  t.equal(sim.pbx.channels.size, 0);
});

t.test('a server closing idle connections never leaves a request hanging or failing', async (t) => {
  // Asterisk closes idle sessions on its own schedule and says nothing of it beforehand; here after 100 ms.
  const { proxy, ari } = await ariRig(t, { keepAliveMs: 100 });
  const gaps: number[] = [];
  for (let gap = 80; gap <= 120; gap += 2) gaps.push(gap, gap);
  let failures = 0;
  for (const gap of gaps) {
    await new Promise((resolve) => setTimeout(resolve, gap));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ari.channels.setChannelVar({ channelId: 'nope', variable: 'X', value: '1' }).then(
        () => 'answered',
        (error: unknown) => (error instanceof AriHttpError ? 'answered' : `failed: ${String(error)}`),
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('hung'), 3_000))),
    ]);
    clearTimeout(timer);
    if (outcome !== 'answered') {
      failures++;
      t.fail(`after ${gap} ms idle: ${outcome}`);
    }
  }
  t.equal(failures, 0, `${gaps.length} requests around the server's idle limit all answered`);
  t.ok(proxy.connections() > 1, `the server did close idle connections (${proxy.connections()} made)`);
});

t.test('a request whose connection the server closes as it arrives is sent once more, on a fresh connection', async (t) => {
  // One connection at most, so that the retry cannot land on another kept one that the proxy would drop too.
  const { sim, proxy, ari } = await ariRig(t, { dropReusedConnections: true }, 1);
  const app = await App.connect(sim.url, 'ringside');
  t.teardown(() => app.close());
  const placed = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await app.wait('StasisStart');
  for (let i = 0; i < 10; i++) await ari.channels.setChannelVar({ channelId: placed.channelId, variable: `V${i}`, value: String(i) });
  t.same(await ari.channels.getChannelVar({ channelId: placed.channelId, variable: 'V9' }), { value: '9' });
  // The first request had a fresh connection; each later one was dropped on the kept one and sent again on a new one.
  t.equal(proxy.connections(), 11);
  t.equal(proxy.requests.length, 1 + 10 * 2);
});

t.test('an aborted request settles at once, even if the server never answers', async (t) => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  const rest = new AriRest({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, user: 'u', password: 'p' });
  t.teardown(async () => {
    await rest.close(100);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const started = Date.now();
  const reason = new TelephonyError('unavailable', 'x: no answer');
  const error = await ariOperations(rest)
    .channels.list(AbortSignal.timeout(150))
    .then(
      () => null,
      (e: unknown) => e,
    );
  t.ok(Date.now() - started < 1_000, 'settled soon after the abort');
  t.equal(toTelephonyError(error, 'list').code, 'unavailable');
  const controller = new AbortController();
  const pending = ariOperations(rest).channels.list(controller.signal);
  controller.abort(reason);
  t.equal(await pending.catch((e: unknown) => e), reason, 'the abort reason is what the request rejects with');
});
