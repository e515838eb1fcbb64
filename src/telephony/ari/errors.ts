import { TelephonyError } from '../../calls/telephony.js';
import { AriHttpError } from './ari-rest.js';

/** Node and undici codes of a connection that could not be made, broke, or timed out. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_ABORTED',
]);

function isUnreachable(error: unknown): boolean {
  // undici and ws sometimes wrap the socket's error as `cause`, sometimes aggregate several (IPv4 and IPv6).
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && UNREACHABLE_CODES.has(code)) return true;
    if (current.name === 'AbortError' || current.name === 'TimeoutError') return true;
    if (current instanceof AggregateError && current.errors.some(isUnreachable)) return true;
    if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|EHOSTUNREACH|other side closed/i.test(current.message)) return true;
  }
  return false;
}

/**
 * What a failed ARI request means to the domain. The status decides where it
 * is unambiguous (401/403: we cannot use ARI; 404: the thing is gone);
 * otherwise Asterisk's text does, as it uses the same status for different
 * cases (400 "Channel not found" from addChannel, 409 and 422 "not in Stasis
 * application", 500 "Allocation failed" for an endpoint that does not exist).
 */
export function toTelephonyError(error: unknown, what: string): TelephonyError {
  if (error instanceof TelephonyError) return error;
  if (!(error instanceof AriHttpError)) {
    if (isUnreachable(error)) return new TelephonyError('unavailable', `${what}: Asterisk unreachable`);
    return new TelephonyError('failed', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { status, reason } = error;
  if (status === 401 || status === 403) return new TelephonyError('unavailable', `${what}: Asterisk refused the ARI user or password (${status})`);
  if (status === 404 || /not found|not in Stasis/i.test(reason)) return new TelephonyError('not_found', `${what}: ${reason}`);
  if (/Allocation failed/i.test(reason)) return new TelephonyError('unreachable', `${what}: ${reason}`);
  if (/invalid|missing|required/i.test(reason)) return new TelephonyError('invalid', `${what}: ${reason}`);
  if (/already exists|not in bridge|in use|conflict/i.test(reason)) return new TelephonyError('conflict', `${what}: ${reason}`);
  if (status === 400) return new TelephonyError('invalid', `${what}: ${reason}`);
  if (status === 409) return new TelephonyError('conflict', `${what}: ${reason}`);
  return new TelephonyError('failed', `${what}: ${reason}`);
}

/** The warning for a connection attempt that failed, with what to check. */
export function connectError(error: unknown, url: string): TelephonyError {
  if (error instanceof AriHttpError && error.status === 404) {
    return new TelephonyError('unavailable', `connect: no ARI at ${shownUrl(url)}/ari (${error.reason}); check the URL and that Asterisk's ARI is enabled`);
  }
  const mapped = toTelephonyError(error, 'connect');
  if (error instanceof AriHttpError && (error.status === 401 || error.status === 403)) {
    return new TelephonyError('unavailable', `${mapped.message}; check the ARI user and password (ari.conf)`);
  }
  if (!(error instanceof AriHttpError) && mapped.code === 'unavailable') {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return new TelephonyError('unavailable', `${mapped.message} at ${shownUrl(url)}${code ? ` (${code})` : ''}`);
  }
  return mapped;
}

/** The URL without any user or password written into it. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'the ARI URL';
  }
}
