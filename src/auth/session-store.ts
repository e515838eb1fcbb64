import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '../redis/client.js';
import type { Role } from '../users/repository.js';

/** What Redis holds for one session. The user's current role and state are re-read from PostgreSQL on use. */
export interface StoredSession {
  userId: number;
  role: Role;
  username: string;
  displayName: string;
  createdAt: number;
}

export interface SessionOwner {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

// Every auth key shares one hash tag, so these scripts touch one slot on Redis Cluster too. Keys are named by a
// digest of the session id: a copy of Redis (a dump, a replica, MONITOR) holds nothing that logs anyone in.
const SESSION_KEY = '{auth}:session:';
const USER_SESSIONS_KEY = '{auth}:user-sessions:';

/** Sliding expiry: the session and its user's set of sessions live on for another TTL from each use. */
const TOUCH = `
local value = redis.call('GETEX', KEYS[1], 'EX', ARGV[1])
if not value then return false end
redis.call('EXPIRE', ARGV[2] .. string.format('%d', cjson.decode(value).userId), ARGV[1])
return value`;

/** The user's set lists live sessions only: refs whose session expired are dropped at the next login. */
const CREATE = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for _, ref in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[4] .. ref) == 0 then redis.call('SREM', KEYS[2], ref) end
end
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;

const END_ONE = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
local userId = cjson.decode(value).userId
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. string.format('%d', userId), ARGV[2])
return userId`;

const END_ALL = `
local ended = {}
for _, ref in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('DEL', ARGV[1] .. ref) == 1 then table.insert(ended, ref) end
end
redis.call('DEL', KEYS[1])
return ended`;

type Script = (...args: (string | number)[]) => Promise<unknown>;
interface SessionScripts {
  authTouchSession: Script;
  authCreateSession: Script;
  authEndSession: Script;
  authEndUserSessions: Script;
}

const defined = new WeakSet<Redis>();

function scriptsOf(redis: Redis): SessionScripts {
  if (!defined.has(redis)) {
    redis.defineCommand('authTouchSession', { numberOfKeys: 1, lua: TOUCH });
    redis.defineCommand('authCreateSession', { numberOfKeys: 2, lua: CREATE });
    redis.defineCommand('authEndSession', { numberOfKeys: 1, lua: END_ONE });
    redis.defineCommand('authEndUserSessions', { numberOfKeys: 1, lua: END_ALL });
    defined.add(redis);
  }
  // ioredis adds defined commands at run time; its types cannot know them.
  return redis as unknown as SessionScripts;
}

/** The digest a session is stored and referred to by. */
export const sessionRefOf = (sessionId: string): string => createHash('sha256').update(sessionId).digest('base64url');

/** 256 random bits, URL- and cookie-safe. */
const newSessionId = (): string => randomBytes(32).toString('base64url');

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Login sessions in Redis, shared by every node: an opaque random id, a sliding TTL, a per-user index. */
export class SessionStore {
  private readonly scripts: SessionScripts;
  /** Scripts build key names from ARGV, which ioredis does not prefix. */
  private readonly fullPrefix: string;

  constructor(
    private readonly redis: Redis,
    readonly ttlSeconds: number,
  ) {
    this.scripts = scriptsOf(redis);
    this.fullPrefix = redis.options.keyPrefix ?? '';
  }

  async create(owner: SessionOwner, now = Date.now()): Promise<{ sessionId: string; ref: string; session: StoredSession }> {
    const sessionId = newSessionId();
    const ref = sessionRefOf(sessionId);
    const session: StoredSession = { userId: owner.id, role: owner.role, username: owner.username, displayName: owner.displayName, createdAt: now };
    await this.scripts.authCreateSession(SESSION_KEY + ref, USER_SESSIONS_KEY + owner.id, JSON.stringify(session), this.ttlSeconds, ref, this.fullPrefix + SESSION_KEY);
    return { sessionId, ref, session };
  }

  /** The session, its expiry pushed back by one TTL; null when unknown, ended or expired. */
  async touch(sessionId: string): Promise<StoredSession | null> {
    if (!SESSION_ID.test(sessionId)) return null;
    const value = await this.scripts.authTouchSession(SESSION_KEY + sessionRefOf(sessionId), this.ttlSeconds, this.fullPrefix + USER_SESSIONS_KEY);
    return typeof value === 'string' ? (JSON.parse(value) as StoredSession) : null;
  }

  /** Ends one session; returns whose it was (null when there was none). */
  async end(sessionId: string): Promise<number | null> {
    if (!SESSION_ID.test(sessionId)) return null;
    const ref = sessionRefOf(sessionId);
    const userId = await this.scripts.authEndSession(SESSION_KEY + ref, this.fullPrefix + USER_SESSIONS_KEY, ref);
    return typeof userId === 'number' ? userId : null;
  }

  /** Ends every session of a user, on every node at once; returns the refs of the sessions ended. */
  async endAllOf(userId: number): Promise<string[]> {
    const ended = await this.scripts.authEndUserSessions(USER_SESSIONS_KEY + userId, this.fullPrefix + SESSION_KEY);
    return Array.isArray(ended) ? ended.map(String) : [];
  }
}
