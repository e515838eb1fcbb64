import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths.js';
import { loadFlowDirectory } from '../../src/ivr/flow-catalog.js';
import { FlowLibrary, FlowValidationError } from '../../src/ivr/flow-library.js';
import { capturedLogger } from '../helpers/logs.js';

const EXAMPLES = path.join(projectRoot(), 'ivr-flows');

function flow(name: string, extra = '', start = 'bye'): string {
  return `name: ${name}\n${extra}\nstart: ${start}\nsteps:\n  bye:\n    type: hangup\n    prompts: ['sound:vm-goodbye']\n`;
}

const issuesOf = (dir: string) => loadFlowDirectory(dir).errors.map(({ file, path, message }) => ({ file: path === '' && file === dir ? '(dir)' : file.replace(`${dir}/`, ''), path, message }));

t.test('the example directory loads: numbers pick flows, everything else gets the default', async (t) => {
  const { catalog, errors, warnings } = loadFlowDirectory(EXAMPLES);
  t.same(errors, []);
  t.same(warnings, []);
  if (!catalog) throw new Error('no catalog');
  t.equal(catalog.version, 1);
  t.ok(catalog.loadedAt instanceof Date);
  t.same(catalog.flows().map((f) => f.name).sort(), ['main-line', 'support-line']);
  t.equal(catalog.flowFor('800').name, 'main-line');
  t.equal(catalog.flowFor('+800').name, 'main-line');
  t.equal(catalog.flowFor('801').name, 'support-line');
  t.equal(catalog.flowFor('12345').name, 'main-line', 'default flow');
  t.equal(catalog.flowFor('').name, 'main-line');
  t.equal(catalog.byName('support-line')?.numbers?.[0], '801');
  t.equal(catalog.byName('nope'), undefined);
  t.ok(Object.isFrozen(catalog.flowFor('800').steps), 'snapshots cannot be changed by a caller');
  t.ok(fs.existsSync(path.join(EXAMPLES, 'README.md')), 'README.md sits beside the flows and is ignored');
});

t.test('a leading + in a flow number matches with or without it', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('a', "default: true\nnumbers: ['+8613800000000']") });
  const { catalog } = loadFlowDirectory(dir);
  t.equal(catalog?.flowFor('8613800000000').name, 'a');
});

t.test('errors inside a file name the file and path', async (t) => {
  const dir = t.testdir({ 'good.yaml': flow('good', 'default: true'), 'broken.yml': 'name: broken\nstart: [', 'notes.txt': 'ignored', '.#good.yaml': 'editor lock file' });
  const issues = issuesOf(dir);
  t.equal(issues.length, 1, 'only the broken file; README-like and editor files are skipped');
  t.match(issues[0], { file: 'broken.yml', path: '', message: /^YAML syntax error at line 2, column \d+: / });
});

t.test('a number claimed twice', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('a', "default: true\nnumbers: ['800']"), 'b.yaml': flow('b', "numbers: ['801', '+800']") });
  t.same(issuesOf(dir), [{ file: 'b.yaml', path: 'numbers.1', message: `number +800 is already claimed by flow "a" (${dir}/a.yaml)` }]);
});

t.test('flow names are unique', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('same', 'default: true'), 'b.yaml': flow('same') });
  t.same(issuesOf(dir), [{ file: 'b.yaml', path: 'name', message: `flow name "same" is already used by ${dir}/a.yaml` }]);
});

t.test('exactly one default flow', async (t) => {
  const two = t.testdir({ 'a.yaml': flow('a', 'default: true'), 'b.yaml': flow('b', 'default: true') });
  t.same(issuesOf(two), [{ file: 'b.yaml', path: 'default', message: `flow "a" (${two}/a.yaml) is already the default; exactly one flow may be` }]);
  const none = t.testdir({ 'a.yaml': flow('a'), 'README.md': '# flows' });
  t.same(issuesOf(none), [{ file: '(dir)', path: '', message: 'no flow is the default: set `default: true` on exactly one flow (it answers numbers no flow lists)' }]);
  const empty = t.testdir({ 'README.md': '# flows' });
  t.same(issuesOf(empty), [{ file: '(dir)', path: '', message: 'no flow files (*.yaml, *.yml) in the directory; one must be the default flow' }]);
  t.same(issuesOf(path.join(empty, 'missing')), [{ file: '(dir)', path: '', message: 'cannot read the flow directory: no such directory' }]);
});

t.test('transfers name existing flows, and flows may not loop into each other without input', async (t) => {
  const transfer = (target: string) => `\n  out:\n    type: transfer\n    flow: ${target}\n`;
  const unknown = t.testdir({ 'a.yaml': flow('a', 'default: true', 'out') + transfer('nowhere') });
  t.same(issuesOf(unknown), [{ file: 'a.yaml', path: 'steps.out.flow', message: 'no flow named "nowhere"; flows are a' }]);
  const loop = t.testdir({ 'a.yaml': flow('a', 'default: true', 'out') + transfer('b'), 'b.yaml': flow('b', '', 'out') + transfer('a') });
  t.same(issuesOf(loop), [
    { file: 'a.yaml', path: 'steps.out', message: 'flows loop into each other without taking caller input: a/out → b/out → a/out' },
  ]);
});

t.test('FlowLibrary: refuses to open an invalid directory, listing every error', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('a', 'numbers: [x]').replace('start: bye\n', '') });
  const { logger } = capturedLogger();
  const error = await FlowLibrary.open(dir, logger).catch((e: unknown) => e);
  t.ok(error instanceof FlowValidationError);
  t.equal(
    (error as Error).message,
    [
      'invalid IVR flows:',
      `${dir}/a.yaml: missing required property "start"`,
      `${dir}/a.yaml: numbers.0: "x" is not a dialled number: digits with an optional leading + (at most 20)`,
    ].join('\n'),
  );
  t.equal((error as FlowValidationError).issues.length, 2);
});

t.test('FlowLibrary: a good edit swaps the catalog, a bad one keeps the last good, old snapshots keep their version', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('a', "default: true\nnumbers: ['800']") });
  const { logger, lines } = capturedLogger();
  const library = await FlowLibrary.open(dir, logger);
  t.teardown(() => library.close());
  const first = library.current();
  t.equal(first.version, 1);

  fs.writeFileSync(path.join(dir, 'b.yaml'), flow('b', "numbers: ['801']"));
  t.equal(await library.reload(), true);
  const second = library.current();
  t.equal(second.version, 2);
  t.equal(second.flowFor('801').name, 'b');
  t.equal(first.version, 1, 'a call holding the old snapshot keeps it');
  t.equal(first.flowFor('801').name, 'a', 'the old snapshot still routes as before');
  const reloaded = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'IVR flows reloaded');
  t.match(reloaded, { version: 2, flows: ['a', 'b'] });

  fs.writeFileSync(path.join(dir, 'b.yaml'), flow('b', "numbers: ['800']"));
  t.equal(await library.reload(), false);
  t.equal(library.current(), second, 'the last good catalog stays in service');
  const rejected = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'IVR flow change rejected; keeping version 2');
  t.equal(rejected.length, 1);
  t.match(rejected[0], { level: 50, file: `${dir}/b.yaml`, path: 'numbers.0', reason: /already claimed by flow "a"/ });

  t.equal(await library.reload(), false, 'still broken');
  fs.unlinkSync(path.join(dir, 'b.yaml'));
  t.equal(await library.reload(), true);
  t.equal(library.current().version, 3);
  t.equal(await library.reload(), true, 'nothing changed');
  t.equal(library.current().version, 3, 'an unchanged directory is not a new version');
});

t.test('FlowLibrary.watch reloads after a change on disk; close is idempotent', async (t) => {
  const dir = t.testdir({ 'a.yaml': flow('a', 'default: true') });
  const { logger } = capturedLogger();
  const library = await FlowLibrary.open(dir, logger);
  library.watch();
  library.watch();
  t.teardown(() => library.close());
  fs.writeFileSync(path.join(dir, 'b.yaml'), flow('b', "numbers: ['801']"));
  const deadline = Date.now() + 5000;
  while (library.current().version === 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(library.current().version, 2);
  t.equal(library.current().flowFor('801').name, 'b');
  library.close();
  library.close();
  fs.writeFileSync(path.join(dir, 'c.yaml'), flow('c', "numbers: ['802']"));
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(library.current().version, 2, 'no reload after close');
});
