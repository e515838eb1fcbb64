import t from 'tap';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths.js';
import { runCli } from '../helpers/cli.js';

const EXAMPLES = path.join(projectRoot(), 'ivr-flows');

t.test('ringside check accepts the example flows', async (t) => {
  const result = await runCli(['check'], {});
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, 'ivr-flows: 2 flows OK\nrouting-rules: 4 queues, 10 rules OK\n');
  const explicit = await runCli(['check', '--flows', EXAMPLES], {});
  t.equal(explicit.code, 0, explicit.stderr);
  t.match(explicit.stdout, `${EXAMPLES}: 2 flows OK\n`);
});

t.test('ringside check names file, path and reason for each mistake, and exits 1', async (t) => {
  const dir = t.testdir({
    'main.yaml': [
      'name: main',
      'default: true',
      'start: menu',
      'steps:',
      '  menu:',
      '    type: menu',
      "    prompts: ['sound:ringside/main-menu']",
      "    options: { '1': sales, '3': nowhere }",
      '    fallback: bye',
      '  sales: { type: queue, queue: sales }',
      "  bye: { type: hangup, prompts: ['sound:vm-goodbye'] }",
      '  spare: { type: hangup }',
      '',
    ].join('\n'),
    'broken.yaml': 'name: broken\nsteps: [\n',
    'README.md': 'ignored',
  });
  const result = await runCli(['check', '--flows', dir, '--rules', path.join(dir, 'no-rules')], {});
  t.equal(result.code, 1);
  const lines = result.stdout.trim().split('\n');
  t.match(lines[0], new RegExp(`^${dir}/broken\\.yaml: YAML syntax error at line 3, column 1: `));
  t.same(lines.slice(1), [
    `${dir}/main.yaml: steps.menu.options.3: no step named "nowhere"; steps are menu, sales, bye, spare`,
    `${dir}/main.yaml: steps.spare: warning: step "spare" is never reached from start "menu"`,
    `${dir}: 2 errors, 1 warning`,
    `${dir}/no-rules: cannot read the routing rules directory: no such directory`,
    `${dir}/no-rules: 1 error`,
  ]);
});

t.test('ringside check on a missing directory says so', async (t) => {
  const result = await runCli(['check', '--flows', 'no-such-flows'], {});
  t.equal(result.code, 1);
  t.match(result.stdout, /^no-such-flows: cannot read the flow directory: no such directory\nno-such-flows: 1 error\n/);
});
