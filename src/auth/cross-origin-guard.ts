import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { RingsideError } from '../errors.js';
import { fromOwnPage } from './origin-check.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie sessions: a state-changing request from another
 * site's page is refused before anything runs (the login too: a forged login
 * would sign the victim in as the attacker). SameSite cookies already keep
 * the session off most such requests; this also covers sibling subdomains and
 * older browsers. Requests with an API key carry no ambient credentials.
 */
export function crossOriginGuard(allowedOrigins: readonly string[]) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const exempt = SAFE_METHODS.has(request.method) || (request.headers.authorization !== undefined && request.headers.cookie === undefined);
    if (exempt || fromOwnPage(request, allowedOrigins)) return done();
    done(new RingsideError('cross_origin_request', `${request.method} from another site's page is refused (origin ${request.headers.origin ?? 'unknown'}); add it to ALLOWED_ORIGINS if it is yours`, 403));
  };
}
