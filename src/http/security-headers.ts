import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer (@fastify/helmet): a content security
 * policy that lets our pages load only their own files (the product runs
 * offline) and talk only to this server (REST and the WebSocket), no framing
 * by other sites, no MIME sniffing, no referrer leaving the site. The pages
 * are built by Vite into module scripts and stylesheets, so nothing inline
 * needs an exception. The API docs (/docs) send their own policy
 * (swagger-ui's staticCSP).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        // Many centers serve Ringside over plain HTTP on their LAN: upgrading its requests would break every page.
        upgradeInsecureRequests: null,
      },
    },
    // The pages open no cross-origin windows and embed nothing foreign; the strict defaults stand.
    referrerPolicy: { policy: 'no-referrer' },
  });
}
