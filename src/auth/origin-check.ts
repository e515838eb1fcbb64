import type { FastifyRequest } from 'fastify';

/**
 * Whether a browser request comes from one of our own pages. A cookie session
 * rides along with any site's request, so the page that sends it matters:
 * browsers say which it is (Sec-Fetch-Site, Origin) and pages cannot forge
 * either. A client that sends neither is not a browser, and has no victim's
 * cookie to abuse. The same rule as Go's net/http CrossOriginProtection.
 */
export function fromOwnPage(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && allowedOrigins.includes(origin)) return true;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    // "null" (a sandboxed frame, a file) or garbage: not ours.
    return false;
  }
}
