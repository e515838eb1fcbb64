import WebSocket from 'ws';
import { AriHttpError } from './ari-rest.js';
import type { AriEventJson } from './event-mapper.js';

export interface AriEventSocketOptions {
  /** Asterisk's HTTP base URL, without /ari */
  url: string;
  user: string;
  password: string;
  app: string;
  /** Longest wait for the upgrade to be answered. */
  handshakeTimeoutMs?: number;
  /** Event types to hand on; others are dropped unparsed. All of them when absent. */
  wanted?: ReadonlySet<string>;
}

const TYPE_KEY = Buffer.from('"type"');
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The value of the first "type" key of an event's JSON, read from the bytes
 * without parsing; null when it cannot be read so simply (then the event is
 * parsed). Asterisk does not put "type" first, but the first "type" key is the
 * event's own: the models of the events Ringside reads have no nested "type",
 * and values cannot contain an unescaped quote.
 */
export function peekEventType(data: Buffer): string | null {
  const key = data.indexOf(TYPE_KEY);
  if (key < 0) return null;
  let at = key + TYPE_KEY.length;
  while (SPACE.has(data[at] ?? 0)) at++;
  if (data[at] !== 0x3a) return null;
  at++;
  while (SPACE.has(data[at] ?? 0)) at++;
  if (data[at] !== 0x22) return null;
  const end = data.indexOf(0x22, at + 1);
  if (end < 0 || end - at > 64) return null;
  return data.toString('latin1', at + 1, end);
}

/** Called synchronously from the socket's own events, so nothing can slip in between (an event before `opened`). */
export interface AriEventHandlers {
  opened(): void;
  event(raw: AriEventJson): void;
  unreadable(error: Error): void;
  pong(): void;
  /** The open socket ended (by the server, the network or terminate()); not called after close(). */
  closed(code: number): void;
  /** It never opened. */
  failed(error: Error): void;
}

/** How long close() waits for the server's close frame before cutting the connection. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One attempt at the Stasis application's event WebSocket, and that socket
 * until it ends. It does not reconnect: the adapter decides when to try again.
 */
export class AriEventSocket {
  private readonly ws: WebSocket;
  private handlers: AriEventHandlers | null;
  private opened = false;
  private readonly wanted: ReadonlySet<string> | undefined;

  constructor(options: AriEventSocketOptions, handlers: AriEventHandlers) {
    this.handlers = handlers;
    this.wanted = options.wanted;
    const base = new URL(options.url);
    const scheme = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${base.host}${base.pathname.replace(/\/+$/, '')}/ari/events?app=${encodeURIComponent(options.app)}&subscribeAll=false`;
    // Basic auth in a header, as for REST (Asterisk takes it on the upgrade too): the password stays out of the URL.
    const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    this.ws = new WebSocket(url, { headers: { authorization }, handshakeTimeout: options.handshakeTimeoutMs ?? 10_000, perMessageDeflate: false });
    this.ws.on('open', () => {
      this.opened = true;
      this.handlers?.opened();
    });
    this.ws.on('unexpected-response', (_request, response) => {
      response.resume();
      this.fail(new AriHttpError(response.statusCode ?? 0, response.statusMessage ?? 'upgrade refused', 'GET', '/events'));
      this.ws.terminate();
    });
    this.ws.on('message', (data, isBinary) => this.read(data, isBinary));
    this.ws.on('pong', () => this.handlers?.pong());
    // ws always follows an error with 'close'; the error itself says nothing the close does not.
    this.ws.on('error', (error) => {
      if (!this.opened) this.fail(error);
    });
    this.ws.on('close', (code) => {
      if (!this.opened) {
        this.fail(new Error(`event WebSocket closed before it opened (${code})`));
        return;
      }
      const handlers = this.handlers;
      this.handlers = null;
      handlers?.closed(code);
    });
  }

  /** A ping the server answers with a pong; does nothing unless the socket is open. */
  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  /** Cuts the connection at once (no close handshake); `closed` follows. */
  terminate(): void {
    this.ws.terminate();
  }

  /** Closes on purpose: no handler is called from now on, except `failed` for an attempt still under way (its waiter must settle). */
  close(): void {
    if (this.opened) this.handlers = null;
    else this.fail(new Error('event WebSocket closed before it opened'));
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.ws.terminate();
      return;
    }
    this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private fail(error: Error): void {
    const handlers = this.handlers;
    this.handlers = null;
    handlers?.failed(error);
  }

  private read(data: WebSocket.RawData, isBinary: boolean): void {
    const handlers = this.handlers;
    if (!handlers) return;
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary message on the event socket');
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      if (this.wanted) {
        const type = peekEventType(bytes);
        if (type !== null && !this.wanted.has(type)) return;
      }
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      handlers.unreadable(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
      handlers.unreadable(new Error('event without a type'));
      return;
    }
    // Checked above: an object with a string type. An event whose other fields are malformed makes the mapper throw; the adapter skips it.
    handlers.event(raw as AriEventJson);
  }
}
