import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { fromOwnPage } from '../auth/origin-check.js';
import type { SessionUser } from '../auth/principal.js';
import type { RealtimeClient, RealtimeHub } from './hub.js';
import { MAX_CLIENT_MESSAGE_BYTES, parseClientMessage, type ServerMessage, type SessionUserView } from './messages.js';

export interface RealtimeRouteOptions {
  hub: RealtimeHub;
  /** The state right now for this user: sent first on every (re)connection. */
  snapshot: (user: SessionUserView) => Promise<Extract<ServerMessage, { type: 'snapshot' }>>;
  /** Origins allowed besides the server's own (e.g. a console served from another host). */
  allowedOrigins?: readonly string[];
  /** How often the server pings each socket; one that missed a ping is cut. */
  heartbeatMs?: number;
}

export const REALTIME_PATH = '/ws';

/** Frames beyond this close the socket (1009) before being read at all. */
const MAX_FRAME_BYTES = 16 * MAX_CLIENT_MESSAGE_BYTES;

const viewOf = (user: SessionUser): SessionUserView => ({ userId: String(user.id), username: user.username, displayName: user.displayName, role: user.role });

/**
 * `GET /ws`: the realtime channel of the agent console and the wallboard, on
 * the same session as the REST API (the access guard has already identified
 * the user). Typed JSON messages both ways; the snapshot first; a heartbeat
 * both ways (WebSocket pings from the server, `ping` messages from browsers,
 * which cannot see pings).
 */
export async function registerRealtimeRoute(app: FastifyInstance, options: RealtimeRouteOptions): Promise<void> {
  const { hub } = options;
  // A message a little over the limit gets a typed error (parseClientMessage); only a flood is cut with 1009.
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  const alive = new WeakMap<WebSocket, boolean>();
  const sockets = new Set<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of sockets) {
      if (alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, options.heartbeatMs ?? 20_000);
  heartbeat.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(heartbeat);
    done();
  });

  app.get(
    REALTIME_PATH,
    {
      websocket: true,
      config: { roles: ['agent', 'supervisor', 'admin'] },
      // A refused upgrade (no session, wrong role, foreign origin) is answered over the raw socket, which
      // nobody closes afterwards: it would hold the server's shutdown until the client gave up.
      onResponse: async (request, reply) => {
        if (reply.statusCode >= 400) request.raw.socket.destroy();
      },
      preValidation: async (request, reply) => {
        // A cookie session rides along with any site's upgrade request: the page opening the socket must be ours.
        if (!fromOwnPage(request, options.allowedOrigins ?? [])) {
          await reply.code(403).send({ error: { code: 'forbidden', message: 'this origin may not open the realtime channel' } });
        }
      },
    },
    (socket, request) => {
      const principal = request.principal;
      if (principal?.kind !== 'user') {
        socket.close(4003, 'a user session is required');
        return;
      }
      const client: RealtimeClient = { user: viewOf(principal.user), sessionRef: principal.user.sessionRef, socket, pending: [] };
      sockets.add(socket);
      alive.set(socket, true);
      socket.on('pong', () => alive.set(socket, true));
      socket.on('message', (data, isBinary) => {
        alive.set(socket, true);
        const parsed = isBinary ? ({ ok: false, code: 'bad_json', message: 'messages are JSON text' } as const) : parseClientMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
        if (!parsed.ok) {
          hub.send(client, { type: 'error', code: parsed.code, message: parsed.message });
          return;
        }
        const { message } = parsed;
        if (message.type === 'ping') hub.send(client, { type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}), serverTime: Date.now() });
        else request.log.debug({ popId: message.popId }, 'screen-pop shown');
      });
      socket.on('close', () => {
        sockets.delete(socket);
        hub.remove(client);
      });
      socket.on('error', (error) => request.log.debug({ err: error }, 'realtime socket error'));
      // Registered before the snapshot is read, its messages held until the snapshot is out: nothing in between is lost.
      hub.add(client);
      options
        .snapshot(client.user)
        .then((snapshot) => {
          if (socket.readyState === socket.OPEN) hub.sendSnapshot(client, snapshot);
        })
        .catch((error: unknown) => {
          request.log.warn({ err: error }, 'could not build the realtime snapshot');
          client.pending = undefined;
          hub.send(client, { type: 'error', code: 'snapshot_failed', message: 'the current state could not be read; reconnect' });
          socket.close(1011, 'snapshot failed');
        });
    },
  );
}
