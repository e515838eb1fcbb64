import { fastifyCookie } from '@fastify/cookie';

export const SESSION_COOKIE = 'ringside_session';

/**
 * HttpOnly keeps the id away from page scripts; SameSite=Strict keeps other sites from sending it
 * (with JSON-only bodies, this is the CSRF defence). No Max-Age: the browser keeps the cookie for its
 * session, and Redis decides how long the session itself lives (sliding).
 */
export function sessionCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure } as const;
}

/** The session id in a raw Cookie header (an upgrade request's, say), or null. */
export function sessionIdFromCookieHeader(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const value = fastifyCookie.parse(header)[SESSION_COOKIE];
  return value === undefined || value === '' ? null : value;
}
