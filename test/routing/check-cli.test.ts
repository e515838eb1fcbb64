import t from 'tap';
import { runCli } from '../helpers/cli.js';

t.test('ringside check reports routing-rules mistakes as file: path: reason, exits 1', async (t) => {
  const dir = t.testdir({
    'queues.yaml': 'queues:\n  - { name: sales }\n  - { name: sales }\n',
    'rules.yaml': 'rules:\n  - { name: default, queue: support }\n',
    'README.md': 'ignored',
  });
  const result = await runCli(['check', '--rules', dir], {});
  t.equal(result.code, 1);
  t.same(result.stdout.trim().split('\n'), [
    'ivr-flows: 2 flows OK',
    `${dir}/queues.yaml: queues.1.name: queue "sales" is already defined in ${dir}/queues.yaml`,
    `${dir}/rules.yaml: rules.0.queue: no queue named "support"; queues are sales`,
    `${dir}: 2 errors`,
  ]);
});

t.test('ringside check prints routing warnings and still exits 0', async (t) => {
  const dir = t.testdir({ 'a.yaml': 'queues:\n  - { name: support }\nrules:\n  - { name: default, queue: support }\n', 'b.yaml': 'description: nothing yet\n' });
  const result = await runCli(['check', '--rules', dir], {});
  t.equal(result.code, 0, result.stderr);
  t.same(result.stdout.trim().split('\n'), ['ivr-flows: 2 flows OK', `${dir}/b.yaml: warning: the file defines no queues and no rules`, `${dir}: 1 queue, 1 rule OK, 1 warning`]);
});
