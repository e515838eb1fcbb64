import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Auth } from '../../auth/register-auth.js';
import { logIn } from '../../auth/login.js';
import type { Principal, SessionUser } from '../../auth/principal.js';
import { SESSION_COOKIE, sessionCookieOptions, sessionIdFromCookieHeader } from '../../auth/session-cookie.js';
import type { Pool } from '../../db/pool.js';
import { notFound, RingsideError } from '../../errors.js';
import { getUser } from '../../users/repository.js';
import { User } from '../../users/schemas.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY = [{ session: [] }];
const PEOPLE = ['agent', 'supervisor', 'admin'] as const;

export interface AuthRoutesOptions {
  db: Pool;
  auth: Auth;
  /** Secure cookies even over plain HTTP (TLS ended at a proxy that does not say so). */
  secureCookie: boolean;
}

/** The person behind a session; the guard has let only people (never an API key) through to these routes. */
function sessionUserOf(principal: Principal | null): SessionUser {
  if (principal?.kind !== 'user') throw new RingsideError('forbidden', 'only a logged-in person has a session', 403);
  return principal.user;
}

/** Log in, log out (here or everywhere), and who am I. */
export function registerAuthRoutes(parent: FastifyInstance, { db, auth, secureCookie }: AuthRoutesOptions): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const secure = (request: FastifyRequest): boolean => secureCookie || request.protocol === 'https';
  const clearSession = (request: FastifyRequest, reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure(request)));

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a username and password: sets the session cookie',
        description:
          'Answers the user and sets `ringside_session` (HttpOnly, SameSite=Strict, Path=/; Secure over HTTPS). A wrong username or password, or a deactivated user, answers 401 `invalid_credentials` alike. After 5 failures for one username from one address (or 30 from one address) in 15 minutes: 429 `too_many_attempts` with Retry-After.',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: User, 400: ErrorRef, 401: ErrorRef, 429: ErrorRef },
      },
    },
    async (request, reply) => {
      const result = await logIn({ db, sessions: auth.sessions, throttle: auth.throttle }, { ...request.body, ip: request.ip });
      if (result.outcome === 'throttled') {
        return reply
          .status(429)
          .header('retry-after', String(result.retryAfterSeconds))
          .send({ error: 'too_many_attempts', message: `too many failed logins: try again in ${result.retryAfterSeconds} s` });
      }
      if (result.outcome === 'invalid') {
        return reply.status(401).send({ error: 'invalid_credentials', message: 'wrong username or password' });
      }
      request.log.info({ userId: result.user.id, role: result.user.role }, 'logged in');
      return reply.setCookie(SESSION_COOKIE, result.sessionId, sessionCookieOptions(secure(request))).send(result.user);
    },
  );

  app.post(
    '/auth/logout',
    {
      // Open, so that a browser holding an expired cookie can always clear it.
      config: { public: true },
      schema: { tags: ['auth'], summary: 'End this session (and clear its cookie)', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const sessionId = sessionIdFromCookieHeader(request.headers.cookie);
      if (sessionId !== null) await auth.sessions.end(sessionId);
      return clearSession(request, reply).status(204).send(null);
    },
  );

  app.post(
    '/auth/logout-everywhere',
    {
      config: { roles: PEOPLE },
      schema: {
        tags: ['auth'],
        summary: 'End every session of the logged-in user, on every device and node',
        security: SECURITY,
        response: { 200: Type.Object({ ended: Type.Integer({ description: 'sessions ended, this one included' }) }) },
      },
    },
    async (request, reply) => {
      const user = sessionUserOf(request.principal);
      const ended = await auth.sessions.endAllOf(user.id, 'logout_everywhere');
      request.log.info({ userId: user.id, ended }, 'logged out everywhere');
      return clearSession(request, reply).send({ ended });
    },
  );

  app.get(
    '/auth/me',
    { config: { roles: PEOPLE }, schema: { tags: ['auth'], summary: 'The logged-in user', security: SECURITY, response: { 200: User, 404: ErrorRef } } },
    async (request) => {
      const user = await getUser(db, sessionUserOf(request.principal).id);
      if (!user) throw notFound('user');
      return user;
    },
  );
}
