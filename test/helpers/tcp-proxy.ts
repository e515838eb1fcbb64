import net from 'node:net';
import type { Test } from 'tap';

/**
 * A TCP hop in front of a real server (PostgreSQL, Redis), for faults a test
 * cannot cause on the shared server itself: `stop()` severs every connection
 * and refuses new ones, as a stopped server does; `blackhole()` takes
 * connections and never answers, as a hung or unreachable one does;
 * `start()` forwards again on the same port.
 */
export interface TcpProxy {
  port: number;
  /** The target's URL with this proxy's host and port. */
  url(targetUrl: string): string;
  stop(): Promise<void>;
  blackhole(): Promise<void>;
  start(): Promise<void>;
}

export async function startTcpProxy(t: Test, target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let mode: 'forward' | 'blackhole' = 'forward';
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'blackhole') return;
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const severAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const close = () =>
    new Promise<void>((resolve) => {
      severAll();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  t.teardown(close);
  return {
    port,
    url: (targetUrl) => {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    stop: close,
    blackhole: async () => {
      mode = 'blackhole';
      severAll();
      if (!server.listening) await listen(port);
    },
    start: async () => {
      mode = 'forward';
      if (server.listening) {
        severAll();
        return;
      }
      await listen(port);
    },
  };
}
