import { isDatabaseUnavailable, type Queryable } from '../db/queryable.js';
import { TimeBudgetExceeded, withinBudget } from '../db/time-budget.js';
import type { Redis } from '../redis/client.js';
import type { Role } from '../users/repository.js';
import type { SessionUser } from './principal.js';
import { sessionIdFromCookieHeader } from './session-cookie.js';
import { SessionStore, sessionRefOf, type SessionOwner } from './session-store.js';

export type SessionEndReason = 'logout' | 'logout_everywhere' | 'deactivated' | 'password_changed' | 'role_changed';

/** Published on `authEventChannel(prefix)` whenever sessions end, so long-lived connections (WebSockets) close too. */
export interface SessionsEndedEvent {
  type: 'sessions.ended';
  userId: number;
  /** The `sessionRef`s of the sessions that ended. */
  sessionRefs: string[];
  reason: SessionEndReason;
}

/** A request waits this long on PostgreSQL for its user before the session's own copy answers. */
const USER_BUDGET_MS = 1_000;

export const authEventChannel = (keyPrefix: string): string => `${keyPrefix}events:auth`;

/**
 * Sessions as the rest of Ringside uses them: open one at login, resolve a session id (or a Cookie header)
 * to the user, end one or all of a user's. A session is only as good as its user: each use re-reads the
 * user from PostgreSQL, so a deactivated user is locked out at once however the flag was set, and a
 * changed name or role shows on the next request. While PostgreSQL is away, the session's own copy
 * (taken at login; a deactivation or role change ends the sessions anyway) stands in, so agents keep
 * working the phones through a database outage.
 */
export class SessionAuth {
  readonly store: SessionStore;
  private readonly channel: string;

  constructor(
    private readonly db: Queryable,
    private readonly redis: Redis,
    ttlSeconds: number,
  ) {
    this.store = new SessionStore(redis, ttlSeconds);
    this.channel = authEventChannel(redis.options.keyPrefix ?? '');
  }

  async open(owner: SessionOwner): Promise<{ sessionId: string; user: SessionUser }> {
    const { sessionId, ref, session } = await this.store.create(owner);
    return { sessionId, user: { id: owner.id, username: owner.username, displayName: owner.displayName, role: owner.role, createdAt: session.createdAt, sessionRef: ref } };
  }

  /** The session's user, extending the session; null when the session is unknown, over, or its user inactive. */
  async userOf(sessionId: string): Promise<SessionUser | null> {
    const session = await this.store.touch(sessionId);
    if (!session) return null;
    let row: { username: string; display_name: string; role: Role; active: boolean } | undefined;
    try {
      ({ rows: [row] } = await withinBudget(
        this.db.query<{ username: string; display_name: string; role: Role; active: boolean }>('SELECT username, display_name, role, active FROM users WHERE id = $1', [session.userId]),
        USER_BUDGET_MS,
        'the users table',
      ));
    } catch (error) {
      if (!(error instanceof TimeBudgetExceeded) && !isDatabaseUnavailable(error)) throw error;
      row = { username: session.username, display_name: session.displayName, role: session.role, active: true };
    }
    if (!row?.active) {
      await this.endAllOf(session.userId, 'deactivated');
      return null;
    }
    return { id: session.userId, username: row.username, displayName: row.display_name, role: row.role, createdAt: session.createdAt, sessionRef: sessionRefOf(sessionId) };
  }

  /** For a WebSocket upgrade (or any raw request): the user of the session cookie in `header`, or null. */
  async sessionFromCookieHeader(header: string | undefined): Promise<SessionUser | null> {
    const sessionId = sessionIdFromCookieHeader(header);
    return sessionId === null ? null : this.userOf(sessionId);
  }

  async end(sessionId: string): Promise<void> {
    const userId = await this.store.end(sessionId);
    if (userId !== null) await this.announce({ type: 'sessions.ended', userId, sessionRefs: [sessionRefOf(sessionId)], reason: 'logout' });
  }

  /** Ends every session of the user on every node; returns how many there were. */
  async endAllOf(userId: number, reason: SessionEndReason): Promise<number> {
    const sessionRefs = await this.store.endAllOf(userId);
    if (sessionRefs.length > 0) await this.announce({ type: 'sessions.ended', userId, sessionRefs, reason });
    return sessionRefs.length;
  }

  private async announce(event: SessionsEndedEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }
}
