import { loadFlowDirectory } from '../ivr/flow-catalog.js';
import { formatIssue, type FlowIssue } from '../ivr/flow-issues.js';
import { loadRulesDirectory } from '../routing/rules-catalog.js';

export interface CheckDirectories {
  flows: string;
  rules: string;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** One directory's issues, then its summary line: `<dir>: <what> OK[, N warnings]` or `<dir>: N errors[, N warnings]`. */
function report(dir: string, errors: readonly FlowIssue[], warnings: readonly FlowIssue[], ok: string | null, print: (line: string) => void): void {
  for (const issue of errors) print(formatIssue(issue, 'error'));
  for (const issue of warnings) print(formatIssue(issue, 'warning'));
  const warned = warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : '';
  print(ok !== null && errors.length === 0 ? `${dir}: ${ok} OK${warned}` : `${dir}: ${plural(errors.length, 'error')}${warned}`);
}

/**
 * `ringside check`: one line per error (`file: path: reason`) and per warning
 * (`file: path: warning: reason`), then a summary per directory. Resolves to
 * the exit code: 1 on any error in either directory.
 */
export async function checkCommand(dirs: CheckDirectories, print: (line: string) => void = console.log): Promise<number> {
  await Promise.resolve();
  const flows = loadFlowDirectory(dirs.flows);
  report(dirs.flows, flows.errors, flows.warnings, flows.catalog ? plural(flows.catalog.flows().length, 'flow') : null, print);
  const rules = loadRulesDirectory(dirs.rules);
  const rulesOk = rules.catalog ? `${plural(rules.catalog.queues().length, 'queue')}, ${plural(rules.catalog.rules().length, 'rule')}` : null;
  report(dirs.rules, rules.errors, rules.warnings, rulesOk, print);
  return flows.errors.length > 0 || rules.errors.length > 0 ? 1 : 0;
}
