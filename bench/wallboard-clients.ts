/**
 * The wallboards of the `wallboard` benchmark, in a process of their own (forked by bench/wallboard.ts): the node's
 * process then carries only the server side of the sockets, and all the measuring happens here.
 *
 * Each supervisor user logs in over `POST /api/auth/login`; each wallboard opens `GET /ws` with its user's session
 * cookie and the page's Origin (the server's own), as the wallboard page does, and waits for its snapshot. Every
 * `wallboard.queue` message is noted with its receive time (performance.timeOrigin + performance.now(), noted first
 * thing in the handler) and its `figures.at`; the other messages (`wallboard.agent`, the raw `acd` feed) are only
 * counted, by how their JSON starts (the hub stringifies `{ type, … }`), not parsed. The ACD events themselves come
 * from the Redis channel `<prefix>events:acd` on a connection of this process (what every node's hub hears).
 *
 * Driven over the IPC channel of `fork`: `connect` → `connected`; `window` (start / end, epoch ms) → `ok`;
 * `report` → `report`; `close` → exits. Replies carry the id of their request.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { summarise, type LatencySummary } from './stats.js';
import { loginCookie, pooled } from './client-helpers.js';

export type WallboardClientsRequest =
  | { type: 'connect'; url: string; redisUrl: string; channel: string; users: Array<{ username: string; password: string }>; perUser: number; concurrency: number }
  | { type: 'window'; startAt: number; endAt: number }
  | { type: 'report' }
  | { type: 'close' };

export interface WallboardReport {
  /** (wallboard, event) pairs: event `at` → the first `wallboard.queue` of that queue with `figures.at` ≥ it. */
  latency: LatencySummary;
  /** Of which: event `at` → `figures.at` of that message (the coalescing wait), and `figures.at` → received. */
  untilRead: LatencySummary;
  readToClient: LatencySummary;
  /** Between two `wallboard.queue` messages of one queue at one wallboard. */
  gap: LatencySummary;
  /** Figure-changing events of the shown queues in the window, by type. */
  events: Record<string, number>;
  /** The same events by queue. */
  eventsByQueue: Record<string, number>;
  /** Pairs above 1 s. */
  overOneSecond: number;
  /** Pairs whose figure never came (before the report). */
  unmatched: number;
  /** Per wallboard per second in the window. */
  queueMessagesPerSecond: number;
  agentMessagesPerSecond: number;
  acdMessagesPerSecond: number;
  allMessagesPerSecond: number;
  bytesPerSecond: number;
  /**
   * One wallboard's `wallboard.queue` messages checked against the events: a counter (offered, answered, abandoned,
   * exited) below the number of such events with `at` ≤ `figures.at` (a figure missing an event it claims to
   * include), or above it (a figure already holding an event stamped after its `at`).
   */
  checked: number;
  behind: number;
  ahead: number;
  sockets: number;
  dropped: number;
  cpuPercent: number;
  rssMb: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type WallboardClientsReply =
  | { type: 'connected'; ok: number; failed: number; firstError?: string; ms: number; snapshotQueues: number }
  | { type: 'ok' }
  | { type: 'report'; report: WallboardReport }
  | { type: 'closed' }
  | { type: 'error'; message: string };

interface QueueMessages {
  /** figures.at, and the receive time, in order of receipt. */
  at: number[];
  received: number[];
}

interface Board {
  queues: Map<string, QueueMessages>;
  counts: { queue: number; agent: number; acd: number; other: number; bytes: number };
}

interface EventRecord {
  type: string;
  queue: string;
  at: number;
}

/** The counters of a `wallboard.queue` message that the events decide, for the check. */
type Checked = [queue: string, at: number, offered: number, answered: number, abandoned: number, exited: number];

const FIGURE_EVENTS = new Set(['call.queued', 'call.answered', 'call.abandoned', 'call.exited', 'call.completed']);
const COUNTER_OF: Record<string, number> = { 'call.queued': 2, 'call.answered': 3, 'call.abandoned': 4, 'call.exited': 5 };
const start = (text: string) => Buffer.from(text);
const QUEUE_START = start('{"type":"wallboard.queue"');
const AGENT_START = start('{"type":"wallboard.agent"');
const ACD_START = start('{"type":"acd"');
const SNAPSHOT_START = start('{"type":"snapshot"');
const startsWith = (data: Buffer, prefix: Buffer) => data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

const now = () => performance.timeOrigin + performance.now();
const boards: Board[] = [];
const sockets = new Set<WebSocket>();
const events: EventRecord[] = [];
const checked: Checked[] = [];
let subscriber: Redis | undefined;
let closing = false;
let dropped = 0;
let window = { startAt: Number.POSITIVE_INFINITY, endAt: Number.POSITIVE_INFINITY };
let windowCpu = process.cpuUsage();
/** This process's CPU time (µs) and loop delay (ms) over the window, taken at its end. */
let atEnd: { cpuMicros: number; loopP99: number; loopMax: number } | undefined;
const loop = monitorEventLoopDelay({ resolution: 10 });

const inWindow = (at: number) => at >= window.startAt && at < window.endAt;


/** One wallboard: resolves with the number of queues in its snapshot once the snapshot has arrived. */
function connect(url: string, cookie: string, board: Board, check: boolean): Promise<number> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie, origin: url } });
  return new Promise<number>((resolve, fail) => {
    let snapshot = false;
    const reject = (error: unknown) => {
      socket.terminate();
      fail(error instanceof Error ? error : new Error(String(error)));
    };
    const timer = setTimeout(() => reject(new Error('no snapshot within 30 s')), 30_000);
    socket.on('message', (data: Buffer) => {
      // Noted first: whatever this handler does after must not count in the latency.
      const receivedAt = now();
      const counts = board.counts;
      const counted = inWindow(receivedAt);
      if (counted) counts.bytes += data.length;
      if (startsWith(data, QUEUE_START)) {
        const { figures } = JSON.parse(data.toString('utf8')) as { figures: { queue: string; at: number; offered: number; answered: number; abandoned: number; exited: number } };
        let messages = board.queues.get(figures.queue);
        if (!messages) board.queues.set(figures.queue, (messages = { at: [], received: [] }));
        messages.at.push(figures.at);
        messages.received.push(receivedAt);
        if (counted) counts.queue += 1;
        if (check) checked.push([figures.queue, figures.at, figures.offered, figures.answered, figures.abandoned, figures.exited]);
      } else if (startsWith(data, ACD_START)) {
        if (counted) counts.acd += 1;
      } else if (startsWith(data, AGENT_START)) {
        if (counted) counts.agent += 1;
      } else if (!snapshot && startsWith(data, SNAPSHOT_START)) {
        snapshot = true;
        clearTimeout(timer);
        const message = JSON.parse(data.toString('utf8')) as { wallboard?: { queues: unknown[] } };
        if (!message.wallboard) return reject(new Error('the snapshot has no wallboard'));
        resolve(message.wallboard.queues.length);
      } else if (counted) counts.other += 1;
    });
    socket.once('open', () => sockets.add(socket));
    socket.once('close', () => {
      sockets.delete(socket);
      if (!closing) dropped += 1;
    });
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      clearTimeout(timer);
      reject(new Error(`upgrade refused (${response.statusCode})`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function connectAll(request: Extract<WallboardClientsRequest, { type: 'connect' }>): Promise<WallboardClientsReply> {
  // The events first: none of the calls that follow may be missed.
  subscriber = new Redis(request.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await subscriber.connect();
  subscriber.on('message', (_channel: string, raw: string) => {
    const event = JSON.parse(raw) as { type: string; queue?: string; at: number };
    if (FIGURE_EVENTS.has(event.type) && event.queue !== undefined) events.push({ type: event.type, queue: event.queue, at: event.at });
  });
  await subscriber.subscribe(request.channel);
  const cookies: string[] = [];
  for (const user of request.users) cookies.push(await loginCookie(request.url, user.username, user.password));
  const specs = cookies.flatMap((cookie) => Array.from({ length: request.perUser }, () => cookie));
  let snapshotQueues = 0;
  const result = await pooled(specs, request.concurrency, async (cookie) => {
    const board: Board = { queues: new Map(), counts: { queue: 0, agent: 0, acd: 0, other: 0, bytes: 0 } };
    snapshotQueues = await connect(request.url, cookie, board, boards.length === 0);
    boards.push(board);
  });
  return { type: 'connected', ...result, snapshotQueues };
}

function report(): WallboardReport {
  const elapsedS = (Math.min(now(), window.endAt) - window.startAt) / 1000;
  const byQueue = new Map<string, number[]>();
  const counts: Record<string, number> = {};
  const perQueue: Record<string, number> = {};
  for (const event of events) {
    if (!inWindow(event.at)) continue;
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    perQueue[event.queue] = (perQueue[event.queue] ?? 0) + 1;
    let list = byQueue.get(event.queue);
    if (!list) byQueue.set(event.queue, (list = []));
    list.push(event.at);
  }
  for (const list of byQueue.values()) list.sort((a, b) => a - b);
  const latency: number[] = [];
  const untilRead: number[] = [];
  const readToClient: number[] = [];
  const gap: number[] = [];
  let unmatched = 0;
  for (const board of boards) {
    for (const [queue, ats] of byQueue) {
      const messages = board.queues.get(queue) ?? { at: [], received: [] };
      // The first message in order of receipt whose figures.at reaches the event: a running maximum, searched in step.
      const reach: number[] = [];
      let highest = Number.NEGATIVE_INFINITY;
      for (const at of messages.at) reach.push((highest = Math.max(highest, at)));
      let index = 0;
      for (const at of ats) {
        while (index < reach.length && reach[index]! < at) index += 1;
        if (index === reach.length) {
          unmatched += 1;
          continue;
        }
        latency.push(messages.received[index]! - at);
        untilRead.push(messages.at[index]! - at);
      }
    }
    for (const messages of board.queues.values()) {
      for (let i = 0; i < messages.received.length; i += 1) {
        if (!inWindow(messages.received[i]!)) continue;
        readToClient.push(messages.received[i]! - messages.at[i]!);
        if (i > 0) gap.push(messages.received[i]! - messages.received[i - 1]!);
      }
    }
  }
  // The check: every event counted by its queue's figures from its `at` on (the prefix is fresh: counters start at 0).
  const stamps = new Map<string, number[][]>();
  for (const event of events) {
    const counter = COUNTER_OF[event.type];
    if (counter === undefined) continue;
    let perQueue = stamps.get(event.queue);
    if (!perQueue) stamps.set(event.queue, (perQueue = [[], [], [], [], [], []]));
    perQueue[counter]!.push(event.at);
  }
  for (const perQueue of stamps.values()) for (const list of perQueue) list.sort((a, b) => a - b);
  const countUpTo = (sorted: number[], at: number) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]! <= at) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  let behind = 0;
  let ahead = 0;
  let checkedCount = 0;
  for (const figure of checked) {
    const [queue, at] = figure;
    // Figures read after the last event heard could be compared with events not yet heard: left out.
    if (at >= (events[events.length - 1]?.at ?? 0)) continue;
    checkedCount += 1;
    const perQueue = stamps.get(queue);
    let isBehind = false;
    let isAhead = false;
    for (const counter of [2, 3, 4, 5] as const) {
      const expected = perQueue ? countUpTo(perQueue[counter]!, at) : 0;
      if (figure[counter] < expected) isBehind = true;
      if (figure[counter] > expected) isAhead = true;
    }
    if (isBehind) behind += 1;
    if (isAhead) ahead += 1;
  }
  const perBoard = (pick: (board: Board) => number) => boards.reduce((sum, board) => sum + pick(board), 0) / Math.max(1, boards.length) / elapsedS;
  return {
    latency: summarise(latency),
    untilRead: summarise(untilRead),
    readToClient: summarise(readToClient),
    gap: summarise(gap),
    events: counts,
    eventsByQueue: perQueue,
    overOneSecond: latency.filter((value) => value > 1000).length,
    unmatched,
    queueMessagesPerSecond: perBoard((board) => board.counts.queue),
    agentMessagesPerSecond: perBoard((board) => board.counts.agent),
    acdMessagesPerSecond: perBoard((board) => board.counts.acd),
    allMessagesPerSecond: perBoard((board) => board.counts.queue + board.counts.agent + board.counts.acd + board.counts.other),
    bytesPerSecond: perBoard((board) => board.counts.bytes),
    checked: checkedCount,
    behind,
    ahead,
    sockets: sockets.size,
    dropped,
    cpuPercent: atEnd ? (atEnd.cpuMicros / 1e6 / elapsedS) * 100 : Number.NaN,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    loopDelayP99Ms: atEnd?.loopP99 ?? Number.NaN,
    loopDelayMaxMs: atEnd?.loopMax ?? Number.NaN,
  };
}

async function handle(request: WallboardClientsRequest): Promise<WallboardClientsReply> {
  switch (request.type) {
    case 'connect':
      return connectAll(request);
    case 'window': {
      window = { startAt: request.startAt, endAt: request.endAt };
      // The bench sends this at the window's start: this process's CPU and loop delay from then on.
      windowCpu = process.cpuUsage();
      atEnd = undefined;
      loop.reset();
      loop.enable();
      setTimeout(() => {
        const cpu = process.cpuUsage(windowCpu);
        atEnd = { cpuMicros: cpu.user + cpu.system, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 };
        loop.disable();
      }, Math.max(0, request.endAt - Date.now()));
      return { type: 'ok' };
    }
    case 'report':
      return { type: 'report', report: report() };
    case 'close':
      closing = true;
      for (const socket of sockets) socket.terminate();
      subscriber?.disconnect();
      setTimeout(() => process.exit(0), 50);
      return { type: 'closed' };
  }
}

process.on('message', (request: WallboardClientsRequest & { id: number }) => {
  void handle(request).then(
    (reply) => process.send?.({ ...reply, id: request.id }),
    (error: unknown) => process.send?.({ type: 'error', message: String(error), id: request.id }),
  );
});
// The bench died: nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
