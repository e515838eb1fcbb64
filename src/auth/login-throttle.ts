import { createHash } from 'node:crypto';
import type { Redis } from '../redis/client.js';

export interface ThrottleLimits {
  /** Failed logins allowed for one username from one address per window. */
  perUsernameAndIp: number;
  /** Failed logins allowed from one address per window, whatever the usernames (spraying). */
  perIp: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perUsernameAndIp: 5, perIp: 30, windowSeconds: 15 * 60 };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const pairKey = (username: string, ip: string): string =>
  `{auth}:login-failures:user-ip:${createHash('sha256').update(`${username}\n${ip}`).digest('base64url')}`;
const ipKey = (ip: string): string => `{auth}:login-failures:ip:${ip}`;

const FORGIVE = `
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DECR', KEYS[2]) end
return 1`;

/**
 * Counts failed logins in Redis, shared by every node, in fixed windows that start at the first failure.
 * An attempt is counted before its password is checked and taken back when it succeeds: concurrent
 * guesses cannot slip past the limit while their (slow) verifications run.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  async attempt(username: string, ip: string): Promise<ThrottleVerdict> {
    const pair = pairKey(username, ip);
    const address = ipKey(ip);
    const window = this.limits.windowSeconds;
    const replies = await this.redis
      .multi()
      .incr(pair)
      .expire(pair, window, 'NX')
      .incr(address)
      .expire(address, window, 'NX')
      .pttl(pair)
      .pttl(address)
      .exec();
    const [pairCount, , ipCount, , pairTtl, ipTtl] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
    const waits: number[] = [];
    if (pairCount! > this.limits.perUsernameAndIp) waits.push(pairTtl!);
    if (ipCount! > this.limits.perIp) waits.push(ipTtl!);
    if (waits.length === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
  }

  /** A successful login clears that username's count from that address and is not held against the address. */
  async succeeded(username: string, ip: string): Promise<void> {
    // A DECR on an expired counter would create one without expiry.
    await this.redis.eval(FORGIVE, 2, pairKey(username, ip), ipKey(ip));
  }
}
