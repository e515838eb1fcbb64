import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The pages' build: src/web/agent → dist/web/agent (served at /agent), src/web/wallboard →
 * dist/web/wallboard (at /wallboard), their shared hashed files in dist/web/assets (at /assets;
 * src/http/web-pages.ts). `npm run build` runs it after tsc. For work on the page,
 * `npx vite --config src/web/vite.config.ts` serves it with live reload and sends
 * /api and /ws on to a Ringside on 127.0.0.1:3000 (e.g. `npm run demo`).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  // Nothing is copied from a public/ folder: every file the page uses is imported (and so hashed).
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    rollupOptions: { input: { agent: here('./agent/index.html'), wallboard: here('./wallboard/index.html') } },
    sourcemap: true,
    target: 'es2022',
    // One small page: a warning about chunk sizes would only be noise.
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
