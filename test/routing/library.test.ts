import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { RulesLibrary, RulesValidationError } from '../../src/routing/rules-library.js';
import { route } from '../../src/routing/evaluate.js';
import { capturedLogger } from '../helpers/logs.js';
import { facts } from './helpers.js';

const QUEUES = 'queues:\n  - { name: sales }\n  - { name: support }\n';
const rules = (defaultQueue: string) => `rules:\n  - { name: zh, queue: sales, when: { field: language, equals: zh } }\n  - { name: default, queue: ${defaultQueue} }\n`;
const parse = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

t.test('RulesLibrary refuses to open an invalid directory, listing every error', async (t) => {
  const dir = t.testdir({ 'a.yaml': `${QUEUES}${rules('nowhere')}` });
  const { logger } = capturedLogger();
  const error = await RulesLibrary.open(dir, logger).catch((e: unknown) => e);
  t.ok(error instanceof RulesValidationError);
  t.equal((error as Error).message, `invalid routing rules:\n${dir}/a.yaml: rules.1.queue: no queue named "nowhere"; queues are sales, support`);
});

t.test('RulesLibrary: a good edit swaps the catalog, a bad one keeps the last good', async (t) => {
  const dir = t.testdir({ 'queues.yaml': QUEUES, 'rules.yaml': rules('support') });
  const { logger, lines } = capturedLogger();
  const library = await RulesLibrary.open(dir, logger);
  t.teardown(() => library.close());
  const first = library.current();
  t.equal(first.version, 1);
  t.equal(route(first, facts(), new Date()).queue.name, 'support');

  fs.writeFileSync(path.join(dir, 'rules.yaml'), rules('sales'));
  t.equal(await library.reload(), true);
  const second = library.current();
  t.equal(second.version, 2);
  t.equal(route(second, facts(), new Date()).queue.name, 'sales');
  t.equal(route(first, facts(), new Date()).queue.name, 'support', 'a call holding the old snapshot keeps it');
  t.match(parse(lines).find((entry) => entry.msg === 'routing rules reloaded'), { version: 2, queues: ['sales', 'support'], rules: 2 });

  fs.writeFileSync(path.join(dir, 'rules.yaml'), `${rules('sales')}  - { name: late, queue: support, when: { field: language, equals: de } }\n`);
  t.equal(await library.reload(), false);
  t.equal(library.current(), second, 'the last good catalog stays in service');
  const rejected = parse(lines).filter((entry) => entry.msg === 'routing rules change rejected; keeping version 2');
  t.equal(rejected.length, 1);
  t.match(rejected[0], { level: 50, file: `${dir}/rules.yaml`, path: 'rules.1', reason: /must be the last rule/ });

  fs.writeFileSync(path.join(dir, 'rules.yaml'), 'rules: [\n');
  t.equal(await library.reload(), false, 'a YAML syntax error is rejected too');
  t.equal(library.current(), second);

  fs.writeFileSync(path.join(dir, 'rules.yaml'), rules('sales'));
  t.equal(await library.reload(), true);
  t.equal(library.current().version, 2, 'back to the same content is not a new version');
  t.equal(library.current(), second);
});

t.test('RulesLibrary.watch reloads after a change on disk; close is idempotent', async (t) => {
  const dir = t.testdir({ 'queues.yaml': QUEUES, 'rules.yaml': rules('support') });
  const { logger } = capturedLogger();
  const library = await RulesLibrary.open(dir, logger);
  library.watch();
  library.watch();
  t.teardown(() => library.close());
  fs.writeFileSync(path.join(dir, 'rules.yaml'), rules('sales'));
  const deadline = Date.now() + 5000;
  while (library.current().version === 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(library.current().version, 2);
  library.close();
  library.close();
});
