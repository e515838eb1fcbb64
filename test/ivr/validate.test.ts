import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths.js';
import { validateFlowText, type FlowIssue } from '../../src/ivr/validate.js';

const FLOWS = path.join(projectRoot(), 'ivr-flows');

/** A small valid flow to break one piece at a time. */
function flowYaml(steps: string, head = 'name: test\ndefault: true\nstart: menu'): string {
  return `${head}\nsteps:\n${steps}`;
}

const MENU = `
  menu:
    type: menu
    prompts: ['sound:ringside/main-menu']
    options: { '1': sales, '2': bye }
    fallback: bye
  sales:
    type: queue
    queue: sales
  bye:
    type: hangup
    prompts: ['sound:vm-goodbye']
`;

const errorsOf = (text: string): Pick<FlowIssue, 'path' | 'message'>[] =>
  validateFlowText(text, 'f.yaml').errors.map(({ path, message }) => ({ path, message }));

t.test('the example flows are valid', async (t) => {
  const files = fs.readdirSync(FLOWS).filter((name) => name.endsWith('.yaml'));
  t.ok(files.length >= 2);
  for (const name of files) {
    const result = validateFlowText(fs.readFileSync(path.join(FLOWS, name), 'utf8'), name);
    t.same(result.errors, [], name);
    t.same(result.warnings, [], name);
    t.ok(result.flow, name);
  }
});

t.test('a valid fixture has no issues and returns the flow', async (t) => {
  const result = validateFlowText(flowYaml(MENU), 'f.yaml');
  t.same(result.errors, []);
  t.equal(result.flow?.name, 'test');
});

t.test('YAML syntax errors give line and column', async (t) => {
  const result = validateFlowText('name: test\nsteps:\n  a: [unclosed\n', 'bad.yaml');
  t.equal(result.flow, null);
  t.equal(result.errors[0]?.file, 'bad.yaml');
  t.equal(result.errors[0]?.path, '');
  t.match(result.errors[0]?.message, /^YAML syntax error at line \d+, column \d+: /);
  t.match(errorsOf('name: a\nname: b\n')[0]?.message, /YAML syntax error at line 2, column 1: Map keys must be unique/);
});

t.test('empty files and non-mappings are rejected', async (t) => {
  t.match(errorsOf(''), [{ path: '', message: /empty/ }]);
  t.match(errorsOf('- a\n- b\n'), [{ path: '', message: /must be a mapping/ }]);
});

t.test('schema: missing and unknown properties are named', async (t) => {
  t.same(errorsOf(`name: test\nstart: menu\nsteps:\n${MENU}\ncolour: red`), [{ path: '', message: 'unknown property "colour"; allowed: name, description, numbers, default, language, start, steps' }]);
  t.same(errorsOf(`name: test\nsteps:\n${MENU}`), [{ path: '', message: 'missing required property "start"' }]);
  const collect = flowYaml(`${MENU}
  account:
    type: collect
    prompts: ['sound:ringside/enter-account']
    variable: account
    minDigits: six
    maxDigits: 10
    next: bye
    colour: red
`);
  t.same(errorsOf(collect), [
    { path: 'steps.account', message: 'missing required property "fallback"' },
    { path: 'steps.account', message: 'unknown property "colour"; allowed: description, type, prompts, variable, minDigits, maxDigits, terminator, firstDigitTimeout, interDigitTimeout, pattern, retries, noInputPrompts, invalidPrompts, next, fallback' },
    { path: 'steps.account.minDigits', message: 'must be a whole number, not "six"' },
  ]);
});

t.test('schema: unions say which values are allowed', async (t) => {
  const lookup = flowYaml(`${MENU}
  find:
    type: lookup
    by: email
    variable: account
    found: bye
    notFound: bye
`);
  t.same(errorsOf(lookup), [{ path: 'steps.find.by', message: 'must be one of externalId, phone; not "email"' }]);
});

t.test('unknown step type names the known types', async (t) => {
  t.same(errorsOf(flowYaml(`${MENU}\n  dance:\n    type: foo\n`)), [
    { path: 'steps.dance.type', message: 'unknown step type "foo"; known types are play, menu, collect, lookup, branch, hours, set, queue, voicemail, transfer, hangup' },
  ]);
  t.same(errorsOf(flowYaml(`${MENU}\n  dance:\n    next: menu\n`)), [
    { path: 'steps.dance', message: 'missing required property "type"; known types are play, menu, collect, lookup, branch, hours, set, queue, voicemail, transfer, hangup' },
  ]);
});

t.test('bad menu keys and step names', async (t) => {
  const text = flowYaml(`
  menu:
    type: menu
    prompts: ['sound:ringside/main-menu']
    options: { '1': sales, '12': bye }
    fallback: bye
  sales: { type: queue, queue: sales }
  bye: { type: hangup }
  9lives: { type: hangup }
`);
  t.same(errorsOf(text), [
    { path: 'steps.menu.options.12', message: `"12" is not a menu key: use 0-9, * or # (quote * and # in YAML: '*' and '#')` },
    { path: 'steps.9lives', message: '"9lives" is not a step name: start with a letter, then letters, digits, _ or - (at most 64)' },
  ]);
  // 1 and '1' are different YAML keys but the same menu key.
  const duplicate = flowYaml(MENU.replace("options: { '1': sales, '2': bye }", "options: { 1: sales, '1': bye }"));
  t.same(errorsOf(duplicate), [{ path: 'steps.menu.options.1', message: 'duplicate key "1" (line 9); each key may appear once' }]);
});

t.test('missing step references name the field and the step', async (t) => {
  const text = flowYaml(MENU.replace("'2': bye", "'3': nowhere").replace('fallback: bye', 'fallback: gone'), 'name: test\nstart: menu');
  t.same(errorsOf(text), [
    { path: 'steps.menu.options.3', message: 'no step named "nowhere"; steps are menu, sales, bye' },
    { path: 'steps.menu.fallback', message: 'no step named "gone"; steps are menu, sales, bye' },
  ]);
  t.same(errorsOf(flowYaml(MENU, 'name: test\nstart: begin')), [{ path: 'start', message: 'no step named "begin"; steps are menu, sales, bye' }]);
});

t.test('loops that take no input are errors naming the steps', async (t) => {
  const text = flowYaml(`${MENU}
  a: { type: play, prompts: ['sound:beep'], next: b }
  b: { type: set, tags: [x], next: c }
  c:
    type: branch
    conditions: [{ when: { field: matched, equals: true }, next: a }]
    otherwise: bye
  self: { type: play, prompts: ['sound:beep'], next: self }
`, 'name: test\nstart: menu');
  const result = validateFlowText(text, 'f.yaml');
  t.same(
    result.errors.map(({ path, message }) => ({ path, message })),
    [
      { path: 'steps.a', message: 'steps a → b → c → a loop without taking caller input; put a menu or collect in the loop, or end it' },
      { path: 'steps.self', message: 'steps self → self loop without taking caller input; put a menu or collect in the loop, or end it' },
    ],
  );
  // Through a menu the caller paces the loop: allowed.
  t.same(errorsOf(flowYaml(MENU.replace('sales', 'again').replace("'2': bye", "'2': bye, '9': menu") + '  again: { type: play, prompts: [\'sound:beep\'], next: menu }\n')), []);
});

t.test('prompts that name no sound', async (t) => {
  t.same(errorsOf(flowYaml(MENU.replace("prompts: ['sound:ringside/main-menu']", 'prompts: []'))), [
    { path: 'steps.menu.prompts', message: 'names no prompt: list at least one sound:<name> or recording:<name>' },
  ]);
  t.same(errorsOf(flowYaml(MENU.replace("'sound:vm-goodbye'", "'sound:'"))), [{ path: 'steps.bye.prompts.0', message: '"sound:" names no sound' }]);
  t.same(errorsOf(flowYaml(MENU.replace("'sound:vm-goodbye'", "'goodbye.wav'"))), [
    { path: 'steps.bye.prompts.0', message: '"goodbye.wav" is not a prompt: write sound:<name> or recording:<name>' },
  ]);
  t.same(errorsOf(flowYaml(MENU.replace("'sound:vm-goodbye'", "'sound:bad name'"))), [
    { path: 'steps.bye.prompts.0', message: '"sound:bad name" is not a valid sound name: use letters, digits, _ / . - (at most 120)' },
  ]);
  t.same(errorsOf(flowYaml(MENU.replace("'sound:vm-goodbye'", "'sound:../../etc/passwd'"))), [
    { path: 'steps.bye.prompts.0', message: '"sound:../../etc/passwd" is not a valid sound name: no leading, trailing or doubled /, and no . or .. parts' },
  ]);
});

t.test('semantic checks: digits, regular expressions, hours, transfer', async (t) => {
  const collect = flowYaml(`${MENU}
  account:
    type: collect
    prompts: ['sound:ringside/enter-account']
    variable: account
    minDigits: 12
    maxDigits: 10
    pattern: '^[0-9'
    next: bye
    fallback: bye
`, 'name: test\nstart: account');
  t.same(errorsOf(collect), [
    { path: 'steps.account.minDigits', message: 'minDigits (12) is more than maxDigits (10)' },
    { path: 'steps.account.pattern', message: '"^[0-9" is not a valid regular expression: /^[0-9/: Unterminated character class' },
  ]);

  const branch = flowYaml(`${MENU}
  check:
    type: branch
    conditions:
      - when: { any: [{ field: dialled, matches: '(' }, { field: language, contains: zh }] }
        next: menu
      - when: { field: customer.tier, equals: gold, extra: 1 }
        next: menu
    otherwise: menu
`, 'name: test\nstart: check');
  t.same(errorsOf(branch), [
    { path: 'steps.check.conditions.1.when', message: 'unknown property "extra"; allowed: field, equals, notEquals, in, notIn, exists, gt, gte, lt, lte, matches, contains' },
  ]);
  t.same(errorsOf(branch.replace(', extra: 1', '')), [
    { path: 'steps.check.conditions.0.when.any.0.matches', message: '"(" is not a valid regular expression: /(/: Unterminated group' },
    { path: 'steps.check.conditions.0.when.any.1.contains', message: "contains tests the call's tags; use field: tags (or equals/in for language)" },
  ]);

  const hours = flowYaml(`${MENU}
  open:
    type: hours
    timezone: Mars/Olympus
    open: [{ days: [mon], from: '22:00', to: '08:00' }]
    holidays: ['2026-02-30']
    whenOpen: menu
    whenClosed: bye
`, 'name: test\nstart: open');
  t.same(errorsOf(hours), [
    { path: 'steps.open.timezone', message: '"Mars/Olympus" is not an IANA time zone (e.g. Asia/Shanghai, Europe/London, America/New_York)' },
    { path: 'steps.open.open.0.to', message: 'to (08:00) must be later than from (22:00); split hours that cross midnight into two windows' },
    { path: 'steps.open.holidays.0', message: '"2026-02-30" is not a calendar date' },
  ]);
  t.same(errorsOf(hours.replace("days: [mon]", 'days: [monday]').replace('Mars/Olympus', 'UTC').replace("'22:00'", "'07:00'").replace('2026-02-30', '2026-02-28')), [
    { path: 'steps.open.open.0.days.0', message: 'must be one of mon, tue, wed, thu, fri, sat, sun; not "monday"' },
  ]);

  const transfer = (fields: string): string => flowYaml(`${MENU}\n  out: { type: transfer${fields} }\n`, 'name: test\nstart: out');
  t.same(errorsOf(transfer('')), [{ path: 'steps.out', message: 'a transfer needs a flow or a number' }]);
  t.same(errorsOf(transfer(', flow: other, number: "+4420"')), [{ path: 'steps.out', message: 'a transfer takes either a flow or a number, not both' }]);
  t.same(errorsOf(transfer(', number: "12ab"')), [{ path: 'steps.out.number', message: '"12ab" is not a phone number: 2-20 digits with an optional leading +' }]);
});

t.test('warnings: unreachable steps and variables nothing stores', async (t) => {
  const text = flowYaml(`${MENU}
  orphan:
    type: lookup
    by: externalId
    variable: acount
    found: bye
    notFound: bye
`);
  const result = validateFlowText(text, 'f.yaml');
  t.same(result.errors, []);
  t.ok(result.flow, 'warnings do not reject the flow');
  t.same(result.warnings, [
    { file: 'f.yaml', path: 'steps.orphan', message: 'step "orphan" is never reached from start "menu"' },
    { file: 'f.yaml', path: 'steps.orphan.variable', message: 'no collect or set step in this flow stores "acount"' },
  ]);
});

t.test('hostile input never throws', async (t) => {
  const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
  for (const text of [bomb, '\u0000', '{', 'steps: {a: {type: branch, conditions: [{when: 5, next: a}], otherwise: a}}', 'steps: [1]', 'name: x\nstart: a\nsteps: {a: null}']) {
    t.doesNotThrow(() => validateFlowText(text, 'x.yaml'));
    t.ok(validateFlowText(text, 'x.yaml').errors.length > 0, JSON.stringify(text).slice(0, 30));
  }
});
