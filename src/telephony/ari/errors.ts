import { TelephonyError } from '../../calls/telephony.js';

/**
 * ari-client turns an HTTP error into an Error whose message is the response
 * body and drops the status, so the body text is all there is to classify.
 */
export function toTelephonyError(error: unknown, what: string): TelephonyError {
  if (error instanceof TelephonyError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  let text = raw;
  try {
    const body = JSON.parse(raw) as { message?: string; error?: string };
    text = body.message ?? body.error ?? raw;
  } catch {
    // not a JSON body: a network error or ari-client's own message
  }
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|EHOSTUNREACH/i.test(text)) return new TelephonyError('unavailable', `${what}: Asterisk unreachable`);
  if (/not found|not in Stasis/i.test(text)) return new TelephonyError('not_found', `${what}: ${text}`);
  if (/Allocation failed/i.test(text)) return new TelephonyError('unreachable', `${what}: ${text}`);
  if (/invalid|missing|required/i.test(text)) return new TelephonyError('invalid', `${what}: ${text}`);
  if (/already exists|not in bridge|in use|conflict/i.test(text)) return new TelephonyError('conflict', `${what}: ${text}`);
  return new TelephonyError('failed', `${what}: ${text}`);
}
