import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/config/paths.js';

const SRC = path.join(projectRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Static imports only: a type-only import or a dynamic import() loads nothing at start. */
function runtimeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((match) => path.resolve(path.dirname(file), match[1]!));
}

const relative = (file: string) => path.relative(SRC, file);

t.test('production code never loads the PBX simulator', async (t) => {
  const simulatorDir = path.join(SRC, 'telephony', 'simulator');
  const allowed = [simulatorDir, path.join(SRC, 'demo')];
  for (const file of sourceFiles(SRC).filter((f) => !allowed.some((dir) => f.startsWith(dir)))) {
    const offending = runtimeImports(file).filter((target) => target.startsWith(simulatorDir) || target.startsWith(path.join(SRC, 'demo')));
    t.same(offending.map(relative), [], relative(file));
  }
});

t.test('the simulator imports nothing from Ringside', async (t) => {
  const simulatorDir = path.join(SRC, 'telephony', 'simulator');
  for (const file of sourceFiles(simulatorDir)) {
    const outside = runtimeImports(file).filter((target) => target.startsWith(SRC) && !target.startsWith(simulatorDir));
    t.same(outside.map(relative), [], relative(file));
  }
});

t.test('the domain does not know ARI, HTTP or WebSockets', async (t) => {
  for (const dir of ['calls', 'customers']) {
    for (const file of sourceFiles(path.join(SRC, dir))) {
      const text = fs.readFileSync(file, 'utf8');
      t.notMatch(text, /from '(ari-client|fastify|ws)'|telephony\/ari|telephony\/simulator/, relative(file));
    }
  }
});
