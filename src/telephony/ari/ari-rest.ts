import { Pool, type Dispatcher } from 'undici';
import { wellFormed } from '../../text/unicode.js';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;
type Method = 'GET' | 'POST' | 'DELETE';

/** An ARI answer outside 2xx. `reason` is Asterisk's own text (`message`, or `error` for allocation failures). */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly method: string,
    readonly path: string,
  ) {
    // The path without its query: enough to tell which request failed, never caller data.
    super(`${method} ${path} answered ${status}: ${reason}`);
    this.name = 'AriHttpError';
  }
}

export interface AriRestOptions {
  /** Asterisk's HTTP base URL, without /ari */
  url: string;
  user: string;
  password: string;
  /** Most connections open at once; requests beyond wait for a free one. */
  connections?: number;
}

/**
 * Asterisk's http.conf allows 100 sessions by default (WebSockets included),
 * shared by every node: 32 leaves room for a second node and others. At a
 * saturating burst more would carry more (the acd bench's busy phase: 131-143
 * assignments/s with 32, 208 with 128, on the single-threaded simulator).
 */
const DEFAULT_CONNECTIONS = 32;

/**
 * How long an idle connection is kept. Asterisk closes idle HTTP sessions
 * after session_keep_alive (15 s by default) and sends no Keep-Alive hint, so
 * we close ours well before it does.
 */
const KEEP_ALIVE_MS = 4_000;

/**
 * Failures of a connection that was open, as opposed to one that could not be
 * made (ECONNREFUSED: nothing to retry against).
 */
const BROKEN_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/**
 * Tries of a request whose connection broke. Several kept connections can go
 * stale in the same instant (the server restarting while our event loop was
 * busy), each failing once; beyond a few tries the server is refusing us.
 */
const MAX_ATTEMPTS = 3;

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/**
 * Ringside's HTTP side of ARI: one pool of kept-alive connections to one
 * Asterisk, Basic auth on every request, JSON in and out, non-2xx answers as
 * AriHttpError. Knows nothing of the operations (ari-operations.ts does).
 */
export class AriRest {
  private pool: Pool;
  private readonly origin: string;
  private readonly connections: number;
  private readonly prefix: string;
  /** Built once: the same objects serve every request, none is allocated per call. */
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;

  constructor(options: AriRestOptions) {
    const base = new URL(options.url);
    this.prefix = `${base.pathname.replace(/\/+$/, '')}/ari`;
    this.origin = base.origin;
    this.connections = options.connections ?? DEFAULT_CONNECTIONS;
    this.pool = this.newPool();
    const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    this.headers = { authorization };
    this.jsonHeaders = { authorization, 'content-type': 'application/json' };
  }

  /** The answer's JSON (undefined for 204 / an empty body). */
  async request<T>(method: Method, path: string, query?: Query, body?: unknown, signal?: AbortSignal): Promise<T> {
    const target = this.prefix + path + queryString(query);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? this.headers : this.jsonHeaders;
    for (let attempt = 1; ; attempt++) {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.pool.request({ method, path: target, headers, body: payload, signal });
      } catch (error) {
        const code = errorCode(error);
        if (attempt >= MAX_ATTEMPTS || code === undefined || !BROKEN_CONNECTION.has(code) || signal?.aborted) throw error;
        // The connection broke before any answer began: a kept-alive connection that the
        // server closed just as we wrote on it. The server never read the request, so
        // sending it again is safe even for a POST. The broken connection has left the
        // pool; a server that died refuses the next attempt.
        continue;
      }
      // Always read the body to its end: that is what frees the connection for the next request.
      // A connection that breaks from here on is not retried: the request may have had its effect.
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return (text === '' ? undefined : JSON.parse(text)) as T;
      throw new AriHttpError(response.statusCode, reasonOf(text, response.statusCode), method, path);
    }
  }

  /**
   * New requests go over new connections from now on; those in flight finish
   * (or time out) on the old ones. For when the path to Asterisk may have died
   * silently: a kept connection would take a request and never answer.
   */
  recycle(): void {
    const old = this.pool;
    this.pool = this.newPool();
    void closePool(old, COMMAND_GRACE_MS);
  }

  /** Lets requests in flight finish (each is bounded by its own signal), then drops the connections. */
  close(graceMs = 1_000): Promise<void> {
    return closePool(this.pool, graceMs);
  }

  private newPool(): Pool {
    return new Pool(this.origin, { connections: this.connections, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS, connect: { timeout: 5_000 } });
  }
}

/** Longer than any command waits, so a recycled pool never cuts a request its caller still waits for. */
const COMMAND_GRACE_MS = 15_000;

async function closePool(pool: Pool, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs).unref()));
  const outcome = await Promise.race([pool.close().then(() => 'closed' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') await pool.destroy();
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  let text = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    // A caller's name passed on to an originate may not be well-formed; failing the request for it would strand the call.
    text += `${text === '' ? '?' : '&'}${key}=${encodeURIComponent(wellFormed(String(value)))}`;
  }
  return text;
}

function reasonOf(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown } | null;
    const reason = body?.message ?? body?.error;
    if (typeof reason === 'string') return reason;
  } catch {
    // not JSON: a proxy's or a misconfigured server's page
  }
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line === '' ? `HTTP ${status}` : line.slice(0, 200);
}
