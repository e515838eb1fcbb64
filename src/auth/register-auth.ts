import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/env.js';
import type { Queryable } from '../db/queryable.js';
import type { Redis } from '../redis/client.js';
import { apiKeyChecker, presentsApiKey } from './api-keys.js';
import { crossOriginGuard } from './cross-origin-guard.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { prepareDummyHash } from './passwords.js';
import type { Principal, SessionUser } from './principal.js';
import { accessGuard, recordRouteAccess, unauthorized, type RouteAccess } from './route-access.js';
import { SessionAuth } from './session-auth.js';
import { sessionIdFromCookieHeader } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** For the realtime channel: the user of the session cookie in an upgrade request's Cookie header, or null. */
    sessionFromCookieHeader(header: string | undefined): Promise<SessionUser | null>;
    /** Every route registered, with the access it declares (what the role-matrix test walks). */
    routeAccess: readonly RouteAccess[];
  }
}

export interface AuthDependencies {
  config: Config;
  db: Queryable;
  redis: Redis;
  throttle?: ThrottleLimits;
}

export interface Auth {
  sessions: SessionAuth;
  throttle: LoginThrottle;
}

/**
 * Sessions, API keys and the role guard on the root app. Runs before any route is registered, so the
 * guard covers every route, also those added later by other plugins.
 */
export async function registerAuth(app: FastifyInstance, deps: AuthDependencies): Promise<Auth> {
  const sessions = new SessionAuth(deps.db, deps.redis, deps.config.auth.sessionTtlSeconds);
  const throttle = new LoginThrottle(deps.redis, deps.throttle);
  const checkApiKey = apiKeyChecker(deps.config.apiKeys);
  prepareDummyHash();

  // The guard reads the Cookie header itself; the plugin is for Set-Cookie on replies.
  await app.register(fastifyCookie, { hook: false });
  app.decorateRequest('principal', null);
  app.decorate('sessionFromCookieHeader', (header: string | undefined) => sessions.sessionFromCookieHeader(header));
  app.decorate('routeAccess', recordRouteAccess(app));

  const identify = async (request: FastifyRequest): Promise<Principal | null> => {
    // A request that presents a key is judged by the key alone: a wrong key never falls back to a cookie.
    if (presentsApiKey(request.headers)) {
      checkApiKey(request.headers);
      return { kind: 'integration', role: 'integration' };
    }
    const sessionId = sessionIdFromCookieHeader(request.headers.cookie);
    if (sessionId === null) return null;
    const user = await sessions.userOf(sessionId);
    if (!user) throw unauthorized('the session has ended or expired: log in again');
    return { kind: 'user', role: user.role, user };
  };
  app.addHook('onRequest', crossOriginGuard(deps.config.auth.allowedOrigins));
  app.addHook('onRequest', accessGuard(identify));
  return { sessions, throttle };
}
