/** Proxies between Ringside's ARI client and the PBX simulator, to see and bend what travels between them. */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** path with query, as sent */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpProxy {
  url: string;
  requests: RecordedRequest[];
  /** TCP connections the proxy accepted (each one a client socket). */
  connections(): number;
  close(): Promise<void>;
}

export interface HttpProxyOptions {
  /** Idle time after which the proxy closes a kept-alive connection. */
  keepAliveMs?: number;
  /** Destroy the connection when a second request arrives on it: a server closing just as the request came. */
  dropReusedConnections?: boolean;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const listen = async (server: Server | ReturnType<typeof createTcpServer>): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
};

/**
 * An HTTP proxy that records every request and forwards it to `target`. Like
 * Asterisk, it sends no Keep-Alive hint, so a client cannot know when the
 * server will close an idle connection.
 */
export async function startHttpProxy(target: string, options: HttpProxyOptions = {}): Promise<HttpProxy> {
  const requests: RecordedRequest[] = [];
  const perSocket = new WeakMap<Socket, number>();
  let connections = 0;
  const idleTimers = new Map<Socket, NodeJS.Timeout>();
  const server = createHttpServer((req, res) => {
    clearTimeout(idleTimers.get(req.socket));
    if (options.keepAliveMs !== undefined) {
      const keepAliveMs = options.keepAliveMs;
      // Asterisk closes a session idle for session_keep_alive outright (no half-close, no hint beforehand).
      res.once('finish', () => idleTimers.set(req.socket, setTimeout(() => req.socket.destroy(), keepAliveMs)));
    }
    void (async () => {
      const body = await readBody(req);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const seen = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, seen);
      if (options.dropReusedConnections && seen > 1) {
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'GET', headers, ...(body !== '' ? { body } : {}) });
      const text = await answer.text();
      // Setting Connection ourselves keeps Node from adding "Keep-Alive: timeout=…", as Asterisk does not send one.
      res.setHeader('connection', 'keep-alive');
      const type = answer.headers.get('content-type');
      if (type) res.setHeader('content-type', type);
      if (text !== '') res.setHeader('content-length', Buffer.byteLength(text));
      res.writeHead(answer.status);
      res.end(text);
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    socket.on('close', () => {
      clearTimeout(idleTimers.get(socket));
      idleTimers.delete(socket);
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    async close() {
      for (const timer of idleTimers.values()) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TcpProxy {
  url: string;
  /** Stops passing bytes on the connections open now (a network that went silent); new ones work. */
  freeze(): void;
  connections(): number;
  close(): Promise<void>;
}

/** A byte-for-byte TCP proxy (HTTP and WebSocket alike). */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const open = new Set<{ client: Socket; upstream: Socket }>();
  let connections = 0;
  const server = createTcpServer((client) => {
    connections++;
    const upstream = connect(Number(target.port), target.hostname);
    const pair = { client, upstream };
    open.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    freeze() {
      for (const { client, upstream } of open) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    connections: () => connections,
    async close() {
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
