/** HTTP + WebSocket front of the simulator: ARI under /ari, control under /simulator. */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { apiDeclaration, resourceListing } from './api-docs.js';
import { leaveBridge } from './bridging.js';
import { createControl } from './control.js';
import { handleControl } from './control-http.js';
import { stopChannelMedia } from './media.js';
import { Pbx } from './pbx.js';
import { Router } from './router.js';
import { readParams } from './router.js';
import { bridgeRoutes } from './routes/bridges.js';
import { channelRoutes } from './routes/channels.js';
import { snoopRoutes } from './routes/snoop.js';
import { mediaRoutes } from './routes/media.js';
import { AriError } from './routes/spec.js';
import type { RouteSpec } from './routes/spec.js';
import { systemRoutes } from './routes/system.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';
import { SimulatorError } from './types.js';

export const ARI_ROUTES: RouteSpec[] = [...systemRoutes, ...channelRoutes, ...snoopRoutes, ...bridgeRoutes, ...mediaRoutes];
const MAX_BODY = 1024 * 1024;

export interface SimulatorInternals extends RunningSimulator {
  pbx: Pbx;
  /** how many WebSockets are open */
  sockets(): number;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new SimulatorError('request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined;
  if (contentType !== undefined && !contentType.includes('json') && !text.trim().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AriError(400, 'Invalid JSON in request body');
  }
}

export async function startSimulatorInternal(options: SimulatorOptions = {}): Promise<SimulatorInternals> {
  const users = options.users ?? { ringside: 'ringside' };
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new SimulatorError('timeScale must be a positive number');
  const pbx = new Pbx({
    users,
    dialplanApps: options.dialplanApps ?? ['ringside'],
    endpoints: options.endpoints ?? {},
    timeScale,
    asteriskId: options.asteriskId ?? '02:fc:00:00:00:01',
    clock: options.clock,
  });
  pbx.setHooks({ stopChannelMedia, leaveBridge });
  const router = new Router(ARI_ROUTES);
  const wss = new WebSocketServer({ noServer: true });
  const openSockets = new Set<WebSocket>();

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    let credentials: string | null = url.searchParams.get('api_key');
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) credentials = Buffer.from(header.slice(6), 'base64').toString('utf8');
    if (credentials === null) return false;
    const colon = credentials.indexOf(':');
    if (colon < 0) return false;
    const user = credentials.slice(0, colon);
    return Object.hasOwn(users, user) && users[user] === credentials.slice(colon + 1);
  };

  const dropSockets = (app?: string): void => {
    for (const socket of pbx.apps.sockets(app)) {
      pbx.apps.disconnect(socket);
      socket.terminate();
    }
  };
  const control = createControl(pbx, dropSockets);

  async function handleAri(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    if (!authorised(req, url)) {
      res.setHeader('www-authenticate', 'Basic realm="Asterisk REST Interface"');
      send(res, 401, { message: 'Authentication required' });
      return;
    }
    const rawBody = await readBody(req);
    const base = `http://${req.headers.host ?? 'localhost'}/ari`;
    const docs = /^\/api-docs\/(\w+)\.json$/.exec(path);
    if (docs?.[1] && req.method === 'GET') {
      const body = docs[1] === 'resources' ? resourceListing(ARI_ROUTES, base) : apiDeclaration(ARI_ROUTES, docs[1], base);
      send(res, body ? 200 : 404, body ?? { message: 'Resource not found' });
      return;
    }
    const match = router.match(req.method ?? 'GET', path);
    if ('status' in match) {
      send(res, match.status, { message: match.status === 404 ? 'Resource not found' : 'Method not allowed' });
      return;
    }
    const params = readParams(match.spec, match.pathParams, url.searchParams, parseJson(rawBody, req.headers['content-type']));
    const reply = match.spec.handle(pbx, params);
    send(res, reply.status, reply.body);
    if (reply.after) pbx.scheduler.soon(reply.after);
  }

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(res, 400, { message: 'Bad request URL' });
      return;
    }
    const path = url.pathname;
    const work = path.startsWith('/ari/')
      ? handleAri(req, res, url, path.slice(4))
      : path.startsWith('/simulator/')
        ? readBody(req).then(async (raw) => {
            let body: unknown;
            try {
              body = raw.trim() === '' ? undefined : (JSON.parse(raw) as unknown);
            } catch {
              body = undefined;
            }
            const reply = await handleControl(control, req.method ?? 'GET', path, url, body, raw);
            send(res, reply.status, reply.body);
          })
        : Promise.resolve(send(res, 404, { message: 'Resource not found' }));
    work.catch((error: unknown) => {
      if (error instanceof AriError) send(res, error.status, { [error.key]: error.message });
      else if (error instanceof SimulatorError) send(res, error.status, { message: error.message });
      else {
        console.error('simulator: unexpected error', error);
        send(res, 500, { message: 'Internal Server Error' });
      }
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      socket.destroy();
      return;
    }
    const refuse = (status: number, message: string): void => {
      const body = JSON.stringify({ message });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (url.pathname !== '/ari/events') return refuse(400, 'WebSocket upgrades are served on /ari/events only');
    if (!authorised(req, url)) return refuse(401, 'Authentication required');
    const apps = (url.searchParams.get('app') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    if (apps.length === 0) return refuse(400, 'Missing parameter app');
    wss.handleUpgrade(req, socket, head, (ws) => {
      openSockets.add(ws);
      pbx.apps.connect(ws, apps);
      ws.on('close', () => {
        openSockets.delete(ws);
        pbx.apps.disconnect(ws);
      });
      ws.on('error', () => undefined);
      // Applications never send anything meaningful on the event socket.
      ws.on('message', () => undefined);
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8088, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    control,
    pbx,
    sockets: () => openSockets.size,
    async close() {
      pbx.scheduler.cancelAll();
      for (const ws of openSockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
