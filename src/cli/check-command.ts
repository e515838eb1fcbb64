import fs from 'node:fs';
import { loadFlowDirectory } from '../ivr/flow-catalog.js';
import { formatIssue } from '../ivr/flow-issues.js';

export interface CheckDirectories {
  flows: string;
  rules: string;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Routing rules arrive with the routing work; until then only say whether there is anything to check. */
function routingRulesLine(dir: string): string {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((name) => /\.ya?ml$/i.test(name));
  } catch {
    return `${dir}: no rule files to check`;
  }
  return files.length === 0 ? `${dir}: no rule files to check` : `${dir}: ${plural(files.length, 'rule file')} not checked (routing rules are not supported yet)`;
}

/**
 * `ringside check`: one line per error (`file: path: reason`) and per warning
 * (`file: path: warning: reason`), then a summary per directory. Resolves to
 * the exit code: 1 on any error.
 */
export async function checkCommand(dirs: CheckDirectories, print: (line: string) => void = console.log): Promise<number> {
  await Promise.resolve();
  const { catalog, errors, warnings } = loadFlowDirectory(dirs.flows);
  for (const issue of errors) print(formatIssue(issue, 'error'));
  for (const issue of warnings) print(formatIssue(issue, 'warning'));
  const warned = warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : '';
  print(catalog && errors.length === 0 ? `${dirs.flows}: ${plural(catalog.flows().length, 'flow')} OK${warned}` : `${dirs.flows}: ${plural(errors.length, 'error')}${warned}`);
  print(routingRulesLine(dirs.rules));
  return errors.length > 0 ? 1 : 0;
}
