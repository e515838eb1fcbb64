import WebSocket from 'ws';
import type { ServerMessage } from '../../src/realtime/messages.js';
import type { RunningServer } from '../../src/server.js';
import { TEST_PASSWORD } from './auth.js';

/** A console's socket, every message it got kept in order. */
export interface Console {
  socket: WebSocket;
  messages: ServerMessage[];
  next(type: ServerMessage['type'], ms?: number, after?: number): Promise<ServerMessage>;
  close(): Promise<void>;
}

/** Logs a user in over the REST API; answers their session cookie. */
export async function login(server: Pick<RunningServer, 'url'>, username: string, password = TEST_PASSWORD): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 200 || !cookie) throw new Error(`login of ${username}: ${response.status}`);
  return cookie.split(';')[0]!;
}

/** A WebSocket on /ws with the given headers (cookie, origin). */
export function openConsole(server: Pick<RunningServer, 'url'>, headers: Record<string, string>): Promise<Console> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse((data as Buffer).toString('utf8')) as ServerMessage);
    for (const wake of waiters) wake();
  });
  const next = (type: ServerMessage['type'], ms = 5000, after = 0) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const look = () => {
        const found = messages.slice(after).find((message) => message.type === type);
        if (!found) return false;
        waiters.delete(look);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`no '${type}' message within ${ms} ms; got ${messages.map((m) => m.type).join(', ')}`));
      }, ms);
      if (!look()) waiters.add(look);
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.close();
    });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, next, close }));
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      reject(new Error(`refused: ${response.statusCode}`));
    });
    socket.once('error', reject);
  });
}
