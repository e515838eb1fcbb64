import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { projectRoot } from '../../src/config/paths.js';
import type { FlowIssue } from '../../src/ivr/flow-issues.js';
import { validateFlowText } from '../../src/ivr/validate.js';
import { validateRulesText } from '../../src/routing/validate.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const examples = (dir: string) =>
  fs.readdirSync(path.join(projectRoot(), dir)).filter((file) => file.endsWith('.yaml')).map((file) => ({ file, text: fs.readFileSync(path.join(projectRoot(), dir, file), 'utf8') }));
const FLOWS = examples('ivr-flows');
const RULES = examples('routing-rules');

/** Odd values a person (or a merge gone wrong) puts where something else belongs. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '<script>alert(1)</script>', "'; DROP TABLE customers; --", '{{ 7*7 }}', '\u0000', 'ﾟ∀ﾟ', '１２３', '99999999999999999999', '-1', 'NaN', 'null', 'true'),
  fc.integer(),
  fc.double(),
);

type Json = unknown;

/** Every path to a value in a parsed document. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function edit(root: Json, at: (string | number)[], change: (parent: Record<string, Json> | Json[], key: string | number) => void): Json {
  const copy = structuredClone(root);
  if (at.length === 0) return copy;
  let parent = copy as Record<string, Json> | Json[];
  for (const key of at.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] as Record<string, Json> | Json[];
  change(parent, at[at.length - 1]!);
  return copy;
}

/** One structural mutation of a parsed document: a value replaced, a key removed or renamed, a part copied elsewhere. */
const mutation = (document: Json) => {
  const paths = pathsOf(document).filter((p) => p.length > 0);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), oddValue).map(([at, value]) => edit(document, at, (parent, key) => ((parent as Record<string | number, Json>)[key] = value))),
    fc.constantFrom(...paths).map((at) => edit(document, at, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key]))),
    fc.tuple(fc.constantFrom(...paths), fc.string({ maxLength: 12 })).map(([at, name]) =>
      edit(document, at, (parent, key) => {
        if (Array.isArray(parent)) return;
        parent[name] = parent[key];
        delete parent[key];
      }),
    ),
    fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...paths)).map(([from, to]) => {
      let value: Json = document;
      for (const key of from) value = (value as Record<string | number, Json>)[key];
      return edit(document, to, (parent, key) => ((parent as Record<string | number, Json>)[key] = structuredClone(value)));
    }),
  );
};

/** Text-level damage: a slice cut out, or junk typed in. */
const textDamage = (text: string) =>
  fc.oneof(
    fc.tuple(fc.nat(text.length), fc.nat(40)).map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc.tuple(fc.nat(text.length), fc.string({ unit: 'binary', maxLength: 20 })).map(([at, junk]) => text.slice(0, at) + junk + text.slice(at)),
    fc.constant(`${text}\n${text}`),
    fc.constant('a: &a [*a, *a]\nb: *a\n'.repeat(3)),
  );

const wellFormed = (issues: readonly FlowIssue[], file: string) =>
  issues.every((issue) => issue.file === file && typeof issue.path === 'string' && typeof issue.message === 'string' && issue.message.trim() !== '' && !issue.message.includes('undefined'));

for (const kind of ['flow', 'rules'] as const) {
  const files = kind === 'flow' ? FLOWS : RULES;
  const validate = (text: string, file: string) => {
    const result = kind === 'flow' ? validateFlowText(text, file) : validateRulesText(text, file);
    return { accepted: kind === 'flow' ? (result as ReturnType<typeof validateFlowText>).flow !== null : (result as ReturnType<typeof validateRulesText>).content !== null, ...result };
  };

  t.test(`${kind} files: random mutations of the examples are accepted or refused with file, path and reason; never a throw`, async (t) => {
    for (const { file, text } of files) t.equal(validate(text, file).errors.length, 0, `${file} as shipped is valid`);
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...files).chain(({ file, text }) => fc.tuple(fc.constant(file), fc.oneof(mutation(parse(text) as Json).map((doc) => stringify(doc)), textDamage(text)))),
        ([file, text]) => {
          const result = validate(text, file);
          if (result.errors.length > 0) refused += 1;
          return wellFormed(result.errors, file) && wellFormed(result.warnings, file) && result.accepted === (result.errors.length === 0);
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    t.ok(refused > RUNS / 4, `most mutations are refused with a reason (${refused} of ${RUNS})`);
  });
}
