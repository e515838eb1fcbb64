import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { dotted, joinPath, type FlowIssue } from '../ivr/flow-issues.js';
import { describeValue, schemaProblems } from '../ivr/schema-messages.js';
import { isRecord, queueProblems, ruleProblems } from './raw-checks.js';
import { RulesFile } from './schema.js';
import { queueChecks, ruleChecks } from './semantic-checks.js';
import { parseYamlText } from './yaml-text.js';

/** Routing issues have the IVR's shape and print the same way: `file: path: reason`. */
export type RulesIssue = FlowIssue;

export interface RulesValidation {
  /** The file's content, only when it has no errors. */
  content: RulesFile | null;
  errors: RulesIssue[];
  warnings: RulesIssue[];
}

/** The file with its queues and rules left open, so each is checked against its own schema. */
const FileShell = Type.Object({ ...RulesFile.properties, queues: Type.Optional(Type.Array(Type.Unknown())), rules: Type.Optional(Type.Array(Type.Unknown())) }, { additionalProperties: false });

/** Validates one routing-rules file's text; never throws on bad input. Checks between files are in rules-catalog.ts. */
export function validateRulesText(text: string, file: string): RulesValidation {
  const parsed = parseYamlText(text, file);
  if (parsed.errors.length > 0) return { content: null, errors: parsed.errors, warnings: [] };
  const data = parsed.data;
  if (data === null || data === undefined) {
    return { content: null, errors: [{ file, path: '', message: 'the file is empty; a rules file needs queues, rules or both' }], warnings: [] };
  }
  if (!isRecord(data)) {
    return { content: null, errors: [{ file, path: '', message: `a rules file must be a mapping with queues and/or rules, not ${describeValue(data)}` }], warnings: [] };
  }

  const problems = schemaProblems(FileShell, data, '');
  if (Array.isArray(data.queues)) data.queues.forEach((queue: unknown, index) => problems.push(...queueProblems(queue, joinPath('queues', index))));
  if (Array.isArray(data.rules)) data.rules.forEach((rule: unknown, index) => problems.push(...ruleProblems(rule, joinPath('rules', index))));
  if (problems.length > 0) return { content: null, errors: problems.map((problem) => ({ file, ...problem })), warnings: [] };

  if (!Value.Check(RulesFile, data)) {
    // Belt and braces: the part-by-part checks above should have caught anything the full schema rejects.
    const first = Value.Errors(RulesFile, data)[0];
    return { content: null, errors: [{ file, path: dotted(first?.instancePath ?? ''), message: first?.message ?? 'does not match the rules schema' }], warnings: [] };
  }
  const content = data;
  const semantic = [
    ...(content.queues ?? []).flatMap((queue, index) => queueChecks(queue, joinPath('queues', index))),
    ...(content.rules ?? []).flatMap((rule, index) => ruleChecks(rule, joinPath('rules', index))),
  ];
  const warnings = [...parsed.warnings];
  if ((content.queues ?? []).length === 0 && (content.rules ?? []).length === 0) warnings.push({ file, path: '', message: 'the file defines no queues and no rules' });
  return { content: semantic.length === 0 ? content : null, errors: semantic.map((problem) => ({ file, ...problem })), warnings };
}
