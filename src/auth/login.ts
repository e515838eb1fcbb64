import type { Queryable } from '../db/queryable.js';
import { findLoginRecord, getUser } from '../users/repository.js';
import type { User } from '../users/schemas.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyNobody, verifyPassword } from './passwords.js';
import type { SessionAuth } from './session-auth.js';

export type LoginOutcome =
  | { outcome: 'ok'; sessionId: string; user: User }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

export interface LoginDependencies {
  db: Queryable;
  sessions: SessionAuth;
  throttle: LoginThrottle;
}

/**
 * Checks a username and password and opens a session. Unknown users, wrong passwords and deactivated
 * users get the same answer after the same work (a dummy verification for unknown users), so neither
 * the answer nor its timing tells whether a username exists.
 */
export async function logIn(deps: LoginDependencies, input: { username: string; password: string; ip: string }): Promise<LoginOutcome> {
  const username = input.username.trim().toLowerCase();
  const verdict = await deps.throttle.attempt(username, input.ip);
  if (!verdict.allowed) return { outcome: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };

  const record = await findLoginRecord(deps.db, username);
  const matches = record ? await verifyPassword(record.passwordHash, input.password) : await verifyNobody(input.password);
  if (!record || !matches || !record.active) return { outcome: 'invalid' };

  await deps.throttle.succeeded(username, input.ip);
  const { sessionId } = await deps.sessions.open(record);
  return { outcome: 'ok', sessionId, user: (await getUser(deps.db, record.id))! };
}
