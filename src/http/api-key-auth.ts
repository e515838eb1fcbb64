import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RingsideError } from '../errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>` (or `X-API-Key`) against the configured
 * keys in constant time. Comparing digests keeps the time independent of length too.
 */
export function apiKeyGuard(apiKeys: readonly string[]) {
  const allowed = apiKeys.map(digest);
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (allowed.length === 0) {
      throw new RingsideError('unauthorized', 'the REST API is disabled: no API keys are configured (set API_KEYS)', 401);
    }
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers['x-api-key'];
    if (typeof presented !== 'string' || presented === '') {
      throw new RingsideError('unauthorized', 'missing API key: send Authorization: Bearer <key>', 401);
    }
    const candidate = digest(presented);
    if (!allowed.some((key) => timingSafeEqual(key, candidate))) {
      throw new RingsideError('unauthorized', 'invalid API key', 401);
    }
  };
}
