import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../config/paths.js';

export interface WebPagesOptions {
  /** The folder holding each page's built files (agent/index.html, agent/assets/…): dist/web by default. */
  root: string;
}

/** The built pages, by their path (Vite builds each into its folder under dist/web; see src/web/vite.config.ts). */
const PAGES = ['agent', 'wallboard'] as const;
/** The pages' shared files (Vite puts what both use, and each page's scripts, under dist/web/assets). */
const SHARED_ASSETS = 'assets';

/** dist/web of the project, whether the server runs from src/ (tsx) or from dist/. */
export const defaultWebRoot = (): string => path.join(projectRoot(), 'dist', 'web');

/** Vite names these files by their content hash: a browser may keep them for good. */
const HASHED_ASSETS = /^assets\//;

/**
 * The web pages, served from their Vite build: `/agent` and `/agent/` are the console's index.html,
 * `/agent/<file>` its assets. The pages are public (the login form is on them); every piece of data
 * they show comes from routes that need the session. Without a build the pages answer 503 saying how
 * to make one, rather than a bare 404. Their security headers come from security-headers.ts, as every answer's.
 */
export async function registerWebPages(app: FastifyInstance, { root }: WebPagesOptions): Promise<void> {
  await app.register(async (web) => {
    // Only reply.sendFile: the routes are declared here, so they carry the access config the guard needs.
    await web.register(fastifyStatic, { serve: false, root, index: false, wildcard: false });

    for (const page of PAGES) {
      const folder = path.join(root, page);
      const built = () => fs.existsSync(path.join(folder, 'index.html'));
      const notBuilt = (reply: FastifyReply) =>
        reply.status(503).header('retry-after', '30').send({ error: 'not_built', message: `the ${page} page is not built: run npm run build (it writes ${path.relative(projectRoot(), folder) || folder}/)` });
      const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', folder, { cacheControl: false });

      const index = async (_request: FastifyRequest, reply: FastifyReply) => (built() ? sendIndex(reply) : notBuilt(reply));
      const options = { config: { public: true }, schema: { hide: true } };
      web.get(`/${page}`, options, index);
      web.get(`/${page}/`, options, index);
      web.get<{ Params: { '*': string } }>(`/${page}/*`, options, async (request, reply) => {
        if (!built()) return notBuilt(reply);
        const file = request.params['*'];
        if (file === '' || file === 'index.html') return sendIndex(reply);
        const immutable = HASHED_ASSETS.test(file);
        // send confines the path to the folder (a "../" answers 403) and answers 404 for a missing file.
        return reply.sendFile(file, folder, immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
      });
    }
    const assets = path.join(root, SHARED_ASSETS);
    web.get<{ Params: { '*': string } }>(`/${SHARED_ASSETS}/*`, { config: { public: true }, schema: { hide: true } }, async (request, reply) =>
      reply.sendFile(request.params['*'], assets, { maxAge: '365d', immutable: true }),
    );
  });
}
