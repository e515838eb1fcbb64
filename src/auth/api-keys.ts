import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RingsideError } from '../errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether the request presents an API key at all (then it is judged by the key alone, never by a cookie). */
export const presentsApiKey = (headers: IncomingHttpHeaders): boolean => headers.authorization !== undefined || headers['x-api-key'] !== undefined;

/**
 * Checks `Authorization: Bearer <key>` (or `X-API-Key`) against the configured
 * keys in constant time. Comparing digests keeps the time independent of length too.
 * Throws 401 for a missing, malformed or unknown key.
 */
export function apiKeyChecker(apiKeys: readonly string[]): (headers: IncomingHttpHeaders) => void {
  const allowed = apiKeys.map(digest);
  return (headers) => {
    if (allowed.length === 0) {
      throw new RingsideError('unauthorized', 'API keys are not accepted: no API keys are configured (set API_KEYS); people log in at POST /api/auth/login', 401);
    }
    const header = headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : headers['x-api-key'];
    if (typeof presented !== 'string' || presented === '') {
      throw new RingsideError('unauthorized', 'missing API key: send Authorization: Bearer <key>', 401);
    }
    const candidate = digest(presented);
    if (!allowed.some((key) => timingSafeEqual(key, candidate))) {
      throw new RingsideError('unauthorized', 'invalid API key', 401);
    }
  };
}
