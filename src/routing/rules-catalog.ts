import { readYamlDirectory } from '../config/yaml-directory.js';
import { joinPath } from '../ivr/flow-issues.js';
import { resolveQueue } from './queue-defaults.js';
import type { QueueDefinition, Rule, RulesFile } from './schema.js';
import { validateRulesText, type RulesIssue } from './validate.js';

/** An immutable snapshot of every queue and rule: a call is routed against one snapshot, whatever reloads happen. */
export interface RulesCatalog {
  queue(name: string): QueueDefinition | undefined;
  queues(): QueueDefinition[];
  /** In matching order: files by name, rules in file order; the default rule last. */
  rules(): Rule[];
  /** 1 for the first load; +1 on every reload that changed something. */
  readonly version: number;
  readonly loadedAt: Date;
}

export interface RulesDirectoryResult {
  catalog: RulesCatalog | null;
  errors: RulesIssue[];
  warnings: RulesIssue[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

class Snapshot implements RulesCatalog {
  readonly loadedAt = new Date();
  private readonly named: ReadonlyMap<string, QueueDefinition>;

  constructor(
    private readonly queueList: readonly QueueDefinition[],
    private readonly ruleList: readonly Rule[],
    readonly version: number,
  ) {
    this.named = new Map(queueList.map((queue) => [queue.name, queue]));
    Object.freeze(this);
  }

  queue(name: string): QueueDefinition | undefined {
    return this.named.get(name);
  }

  queues(): QueueDefinition[] {
    return [...this.queueList];
  }

  rules(): Rule[] {
    return [...this.ruleList];
  }
}

interface LoadedFile {
  file: string;
  content: RulesFile;
}

function readRulesFiles(dir: string): { loaded: LoadedFile[]; errors: RulesIssue[]; warnings: RulesIssue[] } {
  const read = readYamlDirectory(dir, 'the routing rules directory', (text, file) => {
    const result = validateRulesText(text, file);
    return { value: result.content, errors: result.errors, warnings: result.warnings };
  });
  return { loaded: read.loaded.map(({ file, value }) => ({ file, content: value })), errors: read.errors, warnings: read.warnings };
}

/** Checks between files: unique names, queues that exist, one default rule and last. */
function crossFileIssues(dir: string, loaded: readonly LoadedFile[]): RulesIssue[] {
  const errors: RulesIssue[] = [];
  const queues = new Map<string, string>();
  for (const { file, content } of loaded) {
    (content.queues ?? []).forEach((queue, index) => {
      const other = queues.get(queue.name);
      if (other !== undefined) errors.push({ file, path: joinPath('queues', index, 'name'), message: `queue "${queue.name}" is already defined in ${other}` });
      else queues.set(queue.name, file);
    });
  }
  const known = [...queues.keys()].join(', ') || 'none';
  const exists = (file: string, where: string, name: string): void => {
    if (!queues.has(name)) errors.push({ file, path: where, message: `no queue named "${name}"; queues are ${known}` });
  };

  const rules = new Map<string, string>();
  const ordered: { file: string; index: number; rule: Rule }[] = [];
  for (const { file, content } of loaded) {
    (content.queues ?? []).forEach((queue, index) => {
      for (const field of ['whenNoAgents', 'whenFull', 'whenMaxWait'] as const) {
        const action = queue[field];
        if (action?.action === 'overflow') exists(file, joinPath('queues', index, field, 'queue'), action.queue);
      }
    });
    (content.rules ?? []).forEach((rule, index) => {
      const other = rules.get(rule.name);
      if (other !== undefined) errors.push({ file, path: joinPath('rules', index, 'name'), message: `rule "${rule.name}" is already defined in ${other}` });
      else rules.set(rule.name, file);
      exists(file, joinPath('rules', index, 'queue'), rule.queue);
      (rule.escalations ?? []).forEach((step, stepIndex) => {
        if (step.action === 'add_queue' || step.action === 'overflow') exists(file, joinPath('rules', index, 'escalations', stepIndex, 'queue'), step.queue);
      });
      ordered.push({ file, index, rule });
    });
  }

  if (loaded.length > 0 && queues.size === 0) errors.push({ file: dir, path: '', message: 'no queue is defined; list queues under `queues:` in a rules file' });
  const defaults = ordered.filter((entry) => entry.rule.when === undefined);
  if (defaults.length === 0 && loaded.length > 0) {
    errors.push({ file: dir, path: '', message: 'no default rule: the last rule must have no `when` (it routes calls no other rule matches)' });
  }
  const first = defaults[0];
  for (const extra of defaults.slice(1)) {
    errors.push({ file: extra.file, path: joinPath('rules', extra.index), message: `rule "${first!.rule.name}" (${first!.file}) is already the default rule (no when); exactly one rule may have no when` });
  }
  const last = ordered.at(-1);
  if (first && defaults.length === 1 && last !== first) {
    errors.push({ file: first.file, path: joinPath('rules', first.index), message: `the default rule "${first.rule.name}" (no when) must be the last rule; rule "${last!.rule.name}" (${last!.file}) after it would never match` });
  }
  return errors;
}

/**
 * Reads and checks every rules file (`*.yaml`, `*.yml`) in a directory; other
 * files (README.md) are ignored. The catalog is null when there is any error.
 */
export function loadRulesDirectory(dir: string, version = 1): RulesDirectoryResult {
  const { loaded, errors, warnings } = readRulesFiles(dir);
  if (loaded.length === 0 && errors.length === 0) {
    errors.push({ file: dir, path: '', message: 'no rules files (*.yaml, *.yml) in the directory; queues and a default rule are required' });
  }
  errors.push(...crossFileIssues(dir, loaded));
  if (errors.length > 0) return { catalog: null, errors, warnings };
  const queues = loaded.flatMap(({ content }) => (content.queues ?? []).map((queue) => deepFreeze(resolveQueue(queue))));
  const rules = loaded.flatMap(({ content }) => (content.rules ?? []).map((rule) => deepFreeze(rule)));
  return { catalog: new Snapshot(queues, rules, version), errors, warnings };
}
