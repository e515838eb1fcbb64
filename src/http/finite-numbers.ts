import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidInput } from '../errors.js';

function firstNonFinite(values: unknown): string | null {
  if (typeof values !== 'object' || values === null) return null;
  for (const [key, value] of Object.entries(values)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    if (items.some((item) => typeof item === 'number' && !Number.isFinite(item))) return key;
  }
  return null;
}

/**
 * Ajv coerces "1e309" in a path or query string to Infinity and lets it past
 * `maximum` (its checks read the value from before coercion), so the number
 * would reach PostgreSQL as "Infinity". JSON bodies cannot hold one.
 */
export function refuseNonFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
    for (const part of ['params', 'query'] as const) {
      const key = firstNonFinite(request[part]);
      if (key !== null) return done(invalidInput(`${part}/${key} must be a finite number`, { field: `${part}/${key}` }));
    }
    done();
  });
}
