import { SessionAuth } from '../src/auth/session-auth.js';
import { SESSION_COOKIE } from '../src/auth/session-cookie.js';
import { createPool } from '../src/db/pool.js';
import { createLogger, type Logger } from '../src/logging/logger.js';
import { createRedis } from '../src/redis/client.js';

/** Pieces the benchmarks' server stacks share. */

/**
 * The server's logger in a benchmark: it writes nothing, it counts what reached warn level and by kind
 * (message and error), which each benchmark reports beside its figures.
 */
export function problemLogger(secrets: string[]): { logger: Logger; problems: () => number; problemKinds: () => Map<string, number> } {
  let problems = 0;
  const problemKinds = new Map<string, number>();
  const logger = createLogger({
    level: 'warn',
    secrets,
    destination: {
      write: (line: string) => {
        problems += 1;
        const { msg, err } = JSON.parse(line) as { msg?: string; err?: { message?: string } };
        const kind = `${msg ?? '?'}${err?.message ? ` (${err.message})` : ''}`;
        problemKinds.set(kind, (problemKinds.get(kind) ?? 0) + 1);
      },
    },
  });
  return { logger, problems: () => problems, problemKinds: () => problemKinds };
}

/**
 * Session cookies made straight in Redis, as a login would make them, without paying argon2 per user: thousands of
 * clients connect in seconds. What it opens is closed through `cleanups`.
 */
export async function sessionOpener(
  options: { databaseUrl: string; redisUrl: string; prefix: string; ttlSeconds: number },
  cleanups: Array<() => unknown>,
): Promise<(users: ReadonlyArray<{ userId: string; username: string; role: 'agent' | 'supervisor' }>) => Promise<string[]>> {
  const sessionRedis = createRedis(options.redisUrl, options.prefix);
  await sessionRedis.connect();
  cleanups.push(() => sessionRedis.quit());
  // Opening a session reads nothing from PostgreSQL; the pool is there because SessionAuth resolves sessions too.
  const sessionPool = createPool(options.databaseUrl, 1);
  cleanups.push(() => sessionPool.end());
  const sessions = new SessionAuth(sessionPool, sessionRedis, options.ttlSeconds);
  return async (users) => {
    const cookies: string[] = [];
    for (const user of users) {
      const { sessionId } = await sessions.open({ id: Number(user.userId), username: user.username, displayName: `Bench ${user.username}`, role: user.role });
      cookies.push(`${SESSION_COOKIE}=${sessionId}`);
    }
    return cookies;
  };
}
