import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Queryable } from '../../src/db/queryable.js';
import { ensureUser, type Role } from '../../src/users/repository.js';

export const TEST_PASSWORD = 'test-password-123';

/** A user with the test password; returns the id. */
export function addUser(db: Queryable, username: string, role: Role, extra: { defaultEndpoint?: string; skills?: Record<string, number> } = {}): Promise<number> {
  return ensureUser(db, { username, displayName: `${username} (test)`, role, password: TEST_PASSWORD, ...extra });
}

/** The `name=value` of a response's session cookie, as a browser would send it back. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'ringside_session');
  if (!cookie) throw new Error(`no session cookie in ${response.statusCode} ${response.body}`);
  return `${cookie.name}=${cookie.value}`;
}

export async function logInAs(app: FastifyInstance, username: string, password = TEST_PASSWORD, remoteAddress = '127.0.0.1'): Promise<{ cookie: string; response: LightMyRequestResponse }> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  return { cookie: sessionCookieOf(response), response };
}
