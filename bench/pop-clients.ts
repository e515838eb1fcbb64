/**
 * The consoles of the `pop` benchmark, in a process of their own (forked by bench/pop.ts), so that the node's RSS
 * and thread carry only the server side of 2,000 WebSockets. Each client is what the agent console does on the
 * wire: it logs in over REST (or is handed a session cookie), opens `GET /ws` with the cookie, waits for its
 * snapshot, and an agent in the ACD logs in with `POST /api/agents/:id/state`. Every pop received is noted with the
 * receive time (performance.timeOrigin + performance.now(), the same clock as the node's, sub-ms) and sent to the
 * bench in batches.
 *
 * Driven over the IPC channel of `fork`. Requests carry an id and get one reply with it: `login` → `logged-in`;
 * `connect` → `connected`; `stats` → `stats`; `close` → exits. Unsolicited: `pops` (a batch of receipts, every 100 ms).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { loginCookie, pooled } from './client-helpers.js';

export interface ClientSpec {
  /** The user's id: what the pops addressed to them carry as `agentId`. */
  userId: string;
  role: 'agent' | 'supervisor';
  username: string;
  /** A session cookie (`name=value`); without one, the cookie of this username's earlier `login` is used. */
  cookie?: string;
  /** Log this agent into the ACD once connected. */
  acdLogin: boolean;
}

export type ClientsRequest =
  | { type: 'login'; url: string; users: Array<{ username: string; password: string }>; concurrency: number }
  | { type: 'connect'; url: string; clients: ClientSpec[]; concurrency: number }
  | { type: 'stats' }
  | { type: 'close' };

/** [socket's userId, popId, pop.agentId, pop.offeredAt, receivedAt, crm ok (1/0), match: 0 none, 1 one, 2 several] */
export type PopReceipt = [string, string, string, number, number, number, number];

export interface ClientsStats {
  rssMb: number;
  heapUsedMb: number;
  open: number;
  /** Sockets that closed without the bench closing them. */
  dropped: number;
  /** Messages other than pops: agent state changes (agents), the ACD feed (supervisors). */
  otherMessages: number;
  supervisorMessages: number;
  /** This process's event-loop delay since the last `stats` (its share of the measured latency). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type ClientsReply =
  | { type: 'logged-in'; ok: number; failed: number; firstError?: string; ms: number }
  | { type: 'connected'; ok: number; failed: number; firstError?: string; ms: number }
  | { type: 'stats'; stats: ClientsStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };

export type ClientsPush = { type: 'pops'; receipts: PopReceipt[] };

const cookies = new Map<string, string>();
const sockets = new Set<WebSocket>();
let closing = false;
let dropped = 0;
let otherMessages = 0;
let supervisorMessages = 0;
let receipts: PopReceipt[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const now = () => performance.timeOrigin + performance.now();
const MATCH = { none: 0, one: 1, several: 2 } as const;
/** How the server's JSON of a pop message starts (hub.ts stringifies `{ type: 'pop', pop }`). */
const POP_START = Buffer.from('{"type":"pop"');

async function login(url: string, username: string, password: string): Promise<void> {
  cookies.set(username, await loginCookie(url, username, password));
}

/** One console: resolves once its snapshot has arrived (and, for an agent in the ACD, once logged in). */
function connect(url: string, spec: ClientSpec): Promise<void> {
  const cookie = spec.cookie ?? cookies.get(spec.username);
  if (!cookie) return Promise.reject(new Error(`no session for ${spec.username}`));
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie } });
  return new Promise<void>((resolve, fail) => {
    let snapshot = false;
    // A console that did not make it is not left half open.
    const reject = (error: unknown) => {
      socket.terminate();
      fail(error instanceof Error ? error : new Error(String(error)));
    };
    const timer = setTimeout(() => reject(new Error(`${spec.username}: no snapshot within 30 s`)), 30_000);
    socket.on('message', (data: Buffer) => {
      // Noted first: whatever this handler does after must not count in the pop's latency.
      const receivedAt = now();
      if (spec.role === 'supervisor' && !data.subarray(0, POP_START.length).equals(POP_START)) {
        // The wallboard feed: counted, not parsed (20 supervisors' feed would otherwise delay the agents' receipts here).
        // A pop is parsed like an agent's, so that one reaching a supervisor counts as misdelivered.
        supervisorMessages += 1;
        if (!snapshot) {
          snapshot = true;
          clearTimeout(timer);
          resolve();
        }
        return;
      }
      const message = JSON.parse(data.toString('utf8')) as { type: string; pop?: { popId: string; agentId: string; offeredAt: number; crm: string; match: keyof typeof MATCH } };
      if (message.type === 'pop' && message.pop) {
        const { pop } = message;
        receipts.push([spec.userId, pop.popId, pop.agentId, pop.offeredAt, receivedAt, pop.crm === 'ok' ? 1 : 0, MATCH[pop.match]]);
      } else if (message.type === 'snapshot') {
        if (snapshot) return;
        snapshot = true;
        clearTimeout(timer);
        if (!spec.acdLogin) return resolve();
        fetch(`${url}/api/agents/${spec.userId}/state`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'login' }) })
          .then(async (response) => {
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`ACD login of ${spec.username}: ${response.status}`);
            resolve();
          })
          .catch(reject);
      } else otherMessages += 1;
    });
    socket.once('open', () => sockets.add(socket));
    socket.once('close', () => {
      sockets.delete(socket);
      if (!closing) dropped += 1;
    });
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      clearTimeout(timer);
      reject(new Error(`${spec.username}: upgrade refused (${response.statusCode})`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function handle(request: ClientsRequest): Promise<ClientsReply> {
  switch (request.type) {
    case 'login':
      return { type: 'logged-in', ...(await pooled(request.users, request.concurrency, (user) => login(request.url, user.username, user.password))) };
    case 'connect':
      return { type: 'connected', ...(await pooled(request.clients, request.concurrency, (spec) => connect(request.url, spec))) };
    case 'stats': {
      const memory = process.memoryUsage();
      const stats: ClientsStats = {
        rssMb: memory.rss / 2 ** 20,
        heapUsedMb: memory.heapUsed / 2 ** 20,
        open: sockets.size,
        dropped,
        otherMessages,
        supervisorMessages,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
      };
      loop.reset();
      return { type: 'stats', stats };
    }
    case 'close':
      closing = true;
      clearInterval(flusher);
      flush();
      for (const socket of sockets) socket.terminate();
      // The last batch goes out before the process does.
      setTimeout(() => process.exit(0), 50);
      return { type: 'closed' };
  }
}

function flush(): void {
  if (receipts.length === 0) return;
  process.send?.({ type: 'pops', receipts } satisfies ClientsPush);
  receipts = [];
}
const flusher = setInterval(flush, 100);

process.on('message', (request: ClientsRequest & { id: number }) => {
  void handle(request).then(
    (reply) => process.send?.({ ...reply, id: request.id }),
    (error: unknown) => process.send?.({ type: 'error', message: String(error), id: request.id }),
  );
});
// The bench died: nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
