/**
 * The adapter's connection to ARI over Ringside's own client: the REST check
 * before the WebSocket, reconnection with backoff owned by the adapter, ping
 * liveness, REST while the socket is away, and what the event socket sends.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { WebSocketServer } from 'ws';
import { AriTelephony, type AriOptions } from '../../src/telephony/ari/adapter.js';
import { readdirSync, readFileSync } from 'node:fs';
import { AriEventSocket, peekEventType } from '../../src/telephony/ari/ari-event-socket.js';
import type { AriEventJson } from '../../src/telephony/ari/event-mapper.js';
import { startSimulatorInternal, type SimulatorInternals } from '../../src/telephony/simulator/server.js';
import { waitUntil } from '../helpers/telephony.js';
import { capturedLogger } from '../helpers/logs.js';
import { App } from '../simulator/helpers.js';
import { startTcpProxy } from './proxies.js';

const PASSWORD = 'ari-secret-never-logged';

async function pbx(t: Test): Promise<SimulatorInternals> {
  const sim = await startSimulatorInternal({ port: 0, users: { ringside: PASSWORD }, timeScale: 0.05 });
  t.teardown(() => sim.close());
  return sim;
}

function adapter(t: Test, url: string, options: Partial<AriOptions> = {}): { telephony: AriTelephony; logs: string[]; connects: boolean[] } {
  const { logger, lines } = capturedLogger([PASSWORD], 'debug');
  const telephony = new AriTelephony({ url, user: 'ringside', password: PASSWORD, app: 'ringside', logger, reconnectInitialMs: 50, reconnectMaxMs: 400, ...options });
  const connects: boolean[] = [];
  telephony.onConnected((reconnected) => connects.push(reconnected));
  t.teardown(() => telephony.stop());
  return { telephony, logs: lines, connects };
}

const messages = (logs: string[], msg: string): Array<Record<string, unknown>> =>
  logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === msg);

t.test('a dropped socket is re-made by the adapter; REST works meanwhile; reconnected=true', async (t) => {
  const sim = await pbx(t);
  // A long first backoff leaves a window with no socket.
  const { telephony, logs, connects } = adapter(t, sim.url, { reconnectInitialMs: 800 });
  await telephony.start();
  t.same(connects, [false], 'first connection: reconnected=false');
  t.equal(sim.sockets(), 1);
  const placed = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await waitUntil(() => sim.control.callState(placed.channelId)?.app === 'ringside', 5000, 'the call in the application');

  sim.control.dropConnections();
  await waitUntil(() => !telephony.isConnected(), 2000, 'the adapter to notice');
  await telephony.answer(placed.channelId);
  t.equal(sim.control.callState(placed.channelId)?.state, 'Up', 'a command while the socket is away still reaches Asterisk');
  t.match(await telephony.listChannels(), [{ channelId: placed.channelId }]);
  t.same(connects, [false], 'not reconnected yet');

  await waitUntil(() => connects.length === 2, 5000, 'the reconnection');
  t.same(connects, [false, true], 'onConnected(reconnected=true)');
  t.equal(telephony.isConnected(), true);
  t.equal(sim.sockets(), 1, 'one socket again');
  t.equal(messages(logs, 'ARI WebSocket lost; reconnecting').length, 1);
  const prompt = await telephony.play(placed.channelId, ['sound:hello-world']);
  t.equal(await prompt.finished, 'done', 'events flow on the new socket');

  await telephony.stop();
  await waitUntil(() => sim.sockets() === 0, 2000, 'the socket to close');
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(sim.sockets(), 0, 'no reconnection after stop');
  t.notOk(logs.some((line) => line.includes(PASSWORD)), 'the password is never logged');
});

t.test('a wrong password: a clear warning, retries with backoff, commands refused as unavailable', async (t) => {
  const sim = await pbx(t);
  const { telephony, logs, connects } = adapter(t, sim.url, { password: 'wrong-password', reconnectInitialMs: 40, reconnectMaxMs: 160 });
  await telephony.start();
  await waitUntil(() => messages(logs, 'ARI not reachable; retrying').length >= 4, 5000, 'several tries');
  const warnings = messages(logs, 'ARI not reachable; retrying');
  t.match(warnings[0], { level: 40, retryInMs: 40, err: { code: 'unavailable', message: /refused the ARI user or password \(401\).*check the ARI user and password/ } });
  t.same(
    warnings.slice(0, 4).map((w) => w.retryInMs),
    [40, 80, 160, 160],
    'backoff doubles up to the maximum',
  );
  t.same(connects, []);
  t.equal(telephony.isConnected(), false);
  t.equal(sim.sockets(), 0, 'no WebSocket tried with bad credentials');
  await t.rejects(telephony.answer('any'), { name: 'TelephonyError', code: 'unavailable' });
  t.notOk(logs.some((line) => line.includes('wrong-password')), 'the password is never logged');
});

t.test('a URL with no ARI behind it says so', async (t) => {
  const sim = await pbx(t);
  const { telephony, logs } = adapter(t, `${sim.url}/not-asterisk`);
  await telephony.start();
  t.match(messages(logs, 'ARI not reachable; retrying')[0], { err: { message: /no ARI at http:\/\/127\.0\.0\.1:\d+\/not-asterisk\/ari/ } });
  const { telephony: nobody, logs: nobodyLogs } = adapter(t, 'http://127.0.0.1:1');
  await nobody.start();
  t.match(messages(nobodyLogs, 'ARI not reachable; retrying')[0], { err: { message: 'connect: Asterisk unreachable at http://127.0.0.1:1 (ECONNREFUSED)' } });
});

t.test('a silent connection is cut after 3 unanswered pings and re-made', async (t) => {
  const sim = await pbx(t);
  const proxy = await startTcpProxy(sim.url);
  t.teardown(() => proxy.close());
  const { telephony, logs, connects } = adapter(t, proxy.url, { pingIntervalMs: 100 });
  await telephony.start();
  t.same(connects, [false]);
  await new Promise((resolve) => setTimeout(resolve, 450));
  t.same(connects, [false], 'answered pings keep the connection');
  const before = proxy.connections();
  proxy.freeze();
  await waitUntil(() => connects.length === 2, 5000, 'the reconnection');
  t.same(connects, [false, true]);
  t.match(messages(logs, 'ARI WebSocket silent; cutting it to reconnect'), [{ missedPongs: 3 }]);
  t.ok(proxy.connections() > before, 'over a new connection');
  const arrived: string[] = [];
  telephony.onEvent((event) => event.type === 'call.arrived' && arrived.push(event.channelId));
  const placed = await sim.control.placeCall({ from: '+14155550123', to: '800' });
  await waitUntil(() => arrived.includes(placed.channelId), 5000, 'the call on the new socket');
  t.pass('events flow on the new socket (the frozen one lingers on the PBX side, as a dead network leaves it)');
});

t.test('another connection taking the application over is logged as an error', async (t) => {
  const sim = await pbx(t);
  const { telephony, logs } = adapter(t, sim.url);
  await telephony.start();
  const intruder = await App.connect(sim.url, 'ringside', `ringside:${PASSWORD}`);
  t.teardown(() => intruder.close());
  await waitUntil(() => logs.some((line) => line.includes('another connection took over')), 2000, 'the error');
  t.match(JSON.parse(logs.find((line) => line.includes('another connection took over')) ?? '{}'), { level: 50 });
});

t.test('the event socket: Basic auth, the application in the URL, unreadable messages skipped', async (t) => {
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const upgrades: IncomingMessage[] = [];
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    upgrades.push(req);
    if (req.headers.authorization !== `Basic ${Buffer.from('ringside:pw').toString('base64')}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send('not json');
      ws.send(Buffer.from('{"type":"StasisStart"}'), { binary: true });
      ws.send('{"no":"type"}');
      ws.send('{"variable":"X","value":"1","type":"ChannelVarset","channel":{"id":"c"}}');
      ws.send('{"type":"StasisStart","args":["inbound","800"]}');
      ws.close(1000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => {
    wss.close();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seen: string[] = [];
  const events: AriEventJson[] = [];
  const closed = new Promise<number>((resolve) => {
    new AriEventSocket(
      { url, user: 'ringside', password: 'pw', app: 'ring side', wanted: new Set(['StasisStart']) },
      {
        opened: () => seen.push('opened'),
        event: (raw) => events.push(raw),
        unreadable: (error) => seen.push(`unreadable: ${error.message}`),
        pong: () => seen.push('pong'),
        closed: resolve,
        failed: (error) => seen.push(`failed: ${error.message}`),
      },
    );
  });
  t.equal(await closed, 1000);
  t.equal(seen[0], 'opened');
  t.equal(seen.filter((s) => s.startsWith('unreadable')).length, 3, 'not JSON, binary, no type: each reported and skipped');
  t.same(events, [{ type: 'StasisStart', args: ['inbound', '800'] }], 'an event of a type not wanted is dropped');
  const target = new URL(upgrades[0]?.url ?? '', url);
  t.equal(target.pathname, '/ari/events');
  t.same(Object.fromEntries(target.searchParams), { app: 'ring side', subscribeAll: 'false' });
  t.notOk(upgrades[0]?.url?.includes('pw'), 'no password in the URL');

  const failed = await new Promise<Error>((resolve) => {
    new AriEventSocket(
      { url, user: 'ringside', password: 'wrong', app: 'x' },
      { opened: () => undefined, event: () => undefined, unreadable: () => undefined, pong: () => undefined, closed: () => undefined, failed: resolve },
    );
  });
  t.match(failed, { name: 'AriHttpError', status: 401 });
});

t.test('stop() while a first attempt waits on a server that never answers: start() settles, nothing is left open', async (t) => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const { telephony, logs } = adapter(t, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
  const started = telephony.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stopping = Date.now();
  await telephony.stop();
  await started;
  t.ok(Date.now() - stopping < 3_000, `settled ${Date.now() - stopping} ms after stop()`);
  t.same(messages(logs, 'ARI not reachable; retrying'), [], 'stopping is not a connection failure');
  t.equal(telephony.isConnected(), false);
});

t.test('the type of every event in the recordings of real Asterisk is read without parsing', async (t) => {
  const dir = new URL('../fixtures/ari-captures/', import.meta.url);
  let count = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.events.jsonl'))) {
    for (const line of readFileSync(new URL(file, dir), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as { type: string };
      if (peekEventType(Buffer.from(line)) !== event.type) t.fail(`${file}: ${line.slice(0, 80)}`);
      if (peekEventType(Buffer.from(JSON.stringify(event, null, 2))) !== event.type) t.fail(`${file} pretty-printed: ${event.type}`);
      count++;
    }
  }
  t.ok(count > 200, `${count} events, their type found in each, compact and pretty-printed`);
  t.equal(peekEventType(Buffer.from('{"no":"type here"}')), null);
  t.equal(peekEventType(Buffer.from('{"type":5}')), null, 'not a string: left to the parser');
  t.equal(peekEventType(Buffer.from('{"type":"unterminated')), null);
});
