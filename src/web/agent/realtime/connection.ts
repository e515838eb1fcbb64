import type { ClientMessage, ConsoleMessage } from '../types.js';

/** connecting: first try; open; lost: was open (or never opened) and is being retried; ended: the session is over, no retry. */
export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'open'; reconnected: boolean }
  | { kind: 'lost'; attempt: number; retryAt: number }
  | { kind: 'ended'; reason: string };

export interface ConnectionOptions {
  url: string;
  onMessage: (message: ConsoleMessage, receivedAt: number) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** After failed attempts in a row: lets the page check whether the session is still valid. */
  onFailures?: (attempts: number) => void;
  /** Browsers cannot see WebSocket pings, so the page pings in the protocol itself. */
  pingMs?: number;
  /** No pong this long after a ping: the connection is taken as dead (a dead network never closes it). */
  pongTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The console's WebSocket: reconnects with exponential backoff and jitter, pings every 10 s and
 * gives a silent connection 5 s to answer. Every (re)connection starts with a snapshot from the
 * server, so nothing is replayed here: the page applies the snapshot.
 */
export class RealtimeConnection {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private everOpened = false;
  private stopped = false;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingSeq = 0;
  private readonly options: Required<Omit<ConnectionOptions, 'onFailures'>> & Pick<ConnectionOptions, 'onFailures'>;

  constructor(options: ConnectionOptions) {
    this.options = { pingMs: 10_000, pongTimeoutMs: 5_000, initialBackoffMs: 500, maxBackoffMs: 10_000, ...options };
  }

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.retryNow);
    this.options.onStatus({ kind: 'connecting' });
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.retryNow);
    this.clearTimers();
    this.drop();
  }

  /** Sends if connected; a message sent while down is dropped (the snapshot after reconnecting covers it). */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** The network is back: no need to wait out the backoff. */
  private readonly retryNow = (): void => {
    if (this.stopped || this.socket) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  };

  private connect(): void {
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.options.onStatus({ kind: 'open', reconnected });
      this.pingTimer = setInterval(() => this.ping(), this.options.pingMs);
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = () => this.lost();
    // An error is always followed by close, where the retry is decided.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ConsoleMessage;
    try {
      // The server's own typed message (src/realtime/messages.ts); a malformed one is ignored below.
      message = JSON.parse(data) as ConsoleMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    if (message.type === 'pong' && this.pongTimer) {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    this.options.onMessage(message, Date.now());
    if (message.type === 'session.ended') {
      this.stop();
      this.options.onStatus({ kind: 'ended', reason: message.reason });
    }
  }

  private ping(): void {
    if (this.pongTimer) return;
    this.pingSeq += 1;
    if (!this.send({ type: 'ping', id: String(this.pingSeq) })) return;
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      // close() on a dead network waits for a closing handshake that never comes: give up on it now.
      this.drop();
      this.lost();
    }, this.options.pongTimeoutMs);
  }

  private lost(): void {
    this.clearTimers();
    this.socket = null;
    if (this.stopped) return;
    this.attempts += 1;
    const base = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (this.attempts - 1));
    // Jitter: after a server restart, a room of consoles does not reconnect in one burst.
    const delay = Math.round(base * (0.5 + Math.random() * 0.5));
    this.options.onStatus({ kind: 'lost', attempt: this.attempts, retryAt: Date.now() + delay });
    if (this.attempts >= 2) this.options.onFailures?.(this.attempts);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /** Forgets the socket without waiting for its close event. */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = this.pongTimer = this.retryTimer = null;
  }
}
