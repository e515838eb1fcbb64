import t from 'tap';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths.js';
import { loadRulesDirectory } from '../../src/routing/rules-catalog.js';
import { validateRulesText } from '../../src/routing/validate.js';

const EXAMPLES = path.join(projectRoot(), 'routing-rules');

const QUEUES = 'queues:\n  - { name: sales }\n  - { name: support }\n';
const DEFAULT = '  - { name: default, queue: support }\n';

/** Issues of one file with the standard queues and a default rule after the given rules. */
const issuesOf = (rules: string, queues = QUEUES) => validateRulesText(`${queues}rules:\n${rules}${DEFAULT}`, 'r.yaml').errors.map(({ path, message }) => ({ path, message }));

const dirIssues = (dir: string) => loadRulesDirectory(dir).errors.map(({ file, path, message }) => ({ file: file === dir ? '(dir)' : file.replace(`${dir}/`, ''), path, message }));

t.test('the example rules are valid', async (t) => {
  const { catalog, errors, warnings } = loadRulesDirectory(EXAMPLES);
  t.same(errors, []);
  t.same(warnings, []);
  t.same(catalog?.queues().map((q) => q.name), ['sales', 'support', 'billing', 'vip']);
  t.equal(catalog?.rules().at(-1)?.name, 'default');
  t.equal(catalog?.rules().at(-1)?.when, undefined);
  t.ok(Object.isFrozen(catalog?.rules()[0]), 'snapshots cannot be changed by a caller');
});

t.test('YAML syntax errors name line and column', async (t) => {
  const { errors } = validateRulesText('queues: [\n', 'r.yaml');
  t.match(errors, [{ file: 'r.yaml', path: '', message: /^YAML syntax error at line 2, column 1: / }]);
  t.match(validateRulesText('queues: []\nqueues: []\n', 'r.yaml').errors, [{ path: '', message: /^YAML syntax error at line 2, column 1: Map keys must be unique/ }]);
  t.same(validateRulesText('', 'r.yaml').errors, [{ file: 'r.yaml', path: '', message: 'the file is empty; a rules file needs queues, rules or both' }]);
  t.same(validateRulesText('- a\n', 'r.yaml').errors, [{ file: 'r.yaml', path: '', message: 'a rules file must be a mapping with queues and/or rules, not a list' }]);
});

t.test('schema mistakes in queues', async (t) => {
  t.same(issuesOf('', 'queues:\n  - { name: Sales, strategy: random, serviceLevelSeconds: 0, colour: red }\n  - { name: support }\n'), [
    { path: 'queues.0', message: 'unknown property "colour"; allowed: name, description, serviceLevelSeconds, serviceLevelTargetPercent, alerts, maxWaitSeconds, maxLength, wrapUpSeconds, ringTimeoutSeconds, strategy, announcements, whenNoAgents, whenFull, whenMaxWait, callback' },
    { path: 'queues.0.name', message: '"Sales" is not a name of lower-case letters, digits, _ or - (at most 64)' },
    { path: 'queues.0.serviceLevelSeconds', message: 'must be at least 1, not 0' },
    { path: 'queues.0.strategy', message: 'must be one of longest_idle, fewest_calls, skill_level, round_robin, ring_all; not "random"' },
  ]);
  t.same(issuesOf('', 'queues:\n  - { name: sales, whenNoAgents: { action: transfer } }\n  - { name: support, whenFull: { action: overflow } }\n'), [
    { path: 'queues.0.whenNoAgents.action', message: 'unknown action "transfer"; known actions are wait, overflow, callback, voicemail, hangup' },
    { path: 'queues.1.whenFull', message: 'missing required property "queue"' },
  ]);
});

t.test('schema mistakes in rules: skills, levels, conditions, escalations', async (t) => {
  t.same(issuesOf("  - { name: a, queue: sales, skills: { 'lang:zh': 11, 'Bad Skill': 2 }, priority: 5000 }\n"), [
    { path: 'rules.0.priority', message: 'must be at most 3600, not 5000' },
    { path: 'rules.0.skills.Bad Skill', message: '"Bad Skill" is not a skill name: lower-case letters, digits, _ : or - (at most 64)' },
    { path: 'rules.0.skills.lang:zh', message: 'must be at most 10, not 11' },
  ]);
  t.same(issuesOf('  - { name: a, queue: sales, when: { field: customer.age, gt: 3 } }\n'), [
    {
      path: 'rules.0.when.field',
      message:
        '"customer.age" is not a field routing knows; fields are matched, match, callerIdKind, dialled, language, customer.tier, customer.language, customer.doNotCall, customer.lifetimeValue, customer.segment, vars.<name>, tags, queue, openTickets, callsLast24h, lastCallAbandoned',
    },
  ]);
  t.same(issuesOf('  - { name: a, queue: sales, when: { all: [] } }\n'), [{ path: 'rules.0.when.all', message: 'all must be a list of at least one condition' }]);
  t.same(issuesOf('  - { name: a, queue: sales, escalations: [ { after: 0, action: relax, skill: x, level: 0 }, { after: 5, action: teleport } ] }\n'), [
    { path: 'rules.0.escalations.0.after', message: 'must be at least 1, not 0' },
    { path: 'rules.0.escalations.1.action', message: 'unknown action "teleport"; known actions are relax, add_queue, overflow, callback, voicemail' },
  ]);
});

t.test('checks beyond the schema', async (t) => {
  t.same(issuesOf("  - { name: a, queue: sales, skills: { 'lang:zh': 5 }, escalations: [ { after: 120, action: relax, skill: 'lang:zh', level: 6 }, { after: 60, action: voicemail }, { after: 90, action: callback } ] }\n"), [
    { path: 'rules.0.escalations.0.level', message: 'relaxing "lang:zh" must lower its level below 5, not to 6' },
    { path: 'rules.0.escalations.1.after', message: 'after 60 s comes before the step above it (after 120 s); list escalation steps in time order' },
    { path: 'rules.0.escalations.2.after', message: 'after 90 s comes before the step above it (after 120 s); list escalation steps in time order' },
    { path: 'rules.0.escalations.2', message: 'the call has already left the queue for voicemail; no step can follow it' },
  ]);
  t.same(issuesOf('  - { name: a, queue: sales, escalations: [ { after: 10, action: relax, skill: vip, level: 0 }, { after: 20, action: add_queue, queue: sales } ] }\n'), [
    { path: 'rules.0.escalations.0.skill', message: 'the rule does not require "vip" at this point; required: none' },
    { path: 'rules.0.escalations.1.queue', message: 'the call is already in queue "sales" at this point' },
  ]);
  t.same(issuesOf("  - name: a\n    queue: sales\n    when: { all: [ { time: { timezone: Mars/Olympus, from: '18:00', to: '09:00' } }, { time: { timezone: UTC, dates: ['2026-02-30'] } }, { field: language, contains: zh }, { field: vars.x, matches: '(' } ] }\n"), [
    { path: 'rules.0.when.all.0.time.timezone', message: 'unknown time zone "Mars/Olympus"; use an IANA name such as Asia/Shanghai or Europe/Paris' },
    { path: 'rules.0.when.all.0.time.to', message: 'from (18:00) must be before to (09:00); split a window that crosses midnight in two' },
    { path: 'rules.0.when.all.1.time.dates.0', message: '"2026-02-30" is not a calendar date' },
    { path: 'rules.0.when.all.2.contains', message: 'contains tests the tags list only, not language' },
    { path: 'rules.0.when.all.3.matches', message: '"(" is not a valid regular expression' },
  ]);
  t.same(issuesOf('', 'queues:\n  - { name: sales, whenMaxWait: { action: overflow, queue: sales } }\n  - { name: support }\n'), [{ path: 'queues.0.whenMaxWait.queue', message: 'queue "sales" cannot overflow to itself' }]);
});

t.test('across files: unknown queues, duplicate names, the default rule', async (t) => {
  const unknown = t.testdir({
    'a.yaml': 'queues:\n  - { name: sales, whenNoAgents: { action: overflow, queue: nowhere } }\n',
    'b.yaml': 'rules:\n  - { name: x, queue: salse, when: { field: language, equals: zh }, escalations: [ { after: 60, action: overflow, queue: support } ] }\n  - { name: default, queue: sales }\n',
  });
  t.same(dirIssues(unknown), [
    { file: 'a.yaml', path: 'queues.0.whenNoAgents.queue', message: 'no queue named "nowhere"; queues are sales' },
    { file: 'b.yaml', path: 'rules.0.queue', message: 'no queue named "salse"; queues are sales' },
    { file: 'b.yaml', path: 'rules.0.escalations.0.queue', message: 'no queue named "support"; queues are sales' },
  ]);
  const duplicates = t.testdir({
    'a.yaml': `${QUEUES}rules:\n  - { name: x, queue: sales, when: { field: language, equals: zh } }\n`,
    'b.yaml': `queues:\n  - { name: sales }\nrules:\n  - { name: x, queue: sales, when: { field: language, equals: en } }\n${DEFAULT}`,
  });
  t.same(dirIssues(duplicates), [
    { file: 'b.yaml', path: 'queues.0.name', message: `queue "sales" is already defined in ${duplicates}/a.yaml` },
    { file: 'b.yaml', path: 'rules.0.name', message: `rule "x" is already defined in ${duplicates}/a.yaml` },
  ]);
  const noDefault = t.testdir({ 'a.yaml': `${QUEUES}rules:\n  - { name: x, queue: sales, when: { field: language, equals: zh } }\n` });
  t.same(dirIssues(noDefault), [{ file: '(dir)', path: '', message: 'no default rule: the last rule must have no `when` (it routes calls no other rule matches)' }]);
  const twoDefaults = t.testdir({ 'a.yaml': `${QUEUES}rules:\n${DEFAULT}  - { name: other, queue: sales }\n` });
  t.same(dirIssues(twoDefaults), [{ file: 'a.yaml', path: 'rules.1', message: `rule "default" (${twoDefaults}/a.yaml) is already the default rule (no when); exactly one rule may have no when` }]);
  const notLast = t.testdir({ 'a.yaml': `${QUEUES}rules:\n${DEFAULT}`, 'b.yaml': 'rules:\n  - { name: late, queue: sales, when: { field: language, equals: zh } }\n' });
  t.same(dirIssues(notLast), [{ file: 'a.yaml', path: 'rules.0', message: `the default rule "default" (no when) must be the last rule; rule "late" (${notLast}/b.yaml) after it would never match` }]);
  const empty = t.testdir({ 'README.md': '# rules' });
  t.same(dirIssues(empty), [{ file: '(dir)', path: '', message: 'no rules files (*.yaml, *.yml) in the directory; queues and a default rule are required' }]);
  t.same(dirIssues(path.join(empty, 'missing')), [{ file: '(dir)', path: '', message: 'cannot read the routing rules directory: no such directory' }]);
  const noQueues = t.testdir({ 'a.yaml': 'rules:\n  - { name: d, queue: sales }\n' });
  t.same(dirIssues(noQueues), [
    { file: 'a.yaml', path: 'rules.0.queue', message: 'no queue named "sales"; queues are none' },
    { file: '(dir)', path: '', message: 'no queue is defined; list queues under `queues:` in a rules file' },
  ]);
});
