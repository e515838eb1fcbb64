import { readYamlDirectory } from '../config/yaml-directory.js';
import { joinPath, type FlowIssue } from './flow-issues.js';
import { noInputCycles, stepEdges, takesInput } from './flow-graph.js';
import type { Flow } from './schema.js';
import { validateFlowText } from './validate.js';

/** An immutable snapshot of every flow: a call keeps the one it started with, whatever reloads happen. */
export interface FlowCatalog {
  /** The flow for a dialled number (exact, with or without a leading +), else the default flow. */
  flowFor(dialled: string): Flow;
  byName(name: string): Flow | undefined;
  flows(): Flow[];
  /** 1 for the first load; +1 on every reload that changed something. */
  readonly version: number;
  readonly loadedAt: Date;
}

export interface FlowDirectoryResult {
  catalog: FlowCatalog | null;
  errors: FlowIssue[];
  warnings: FlowIssue[];
}

/** `+800` and `800` are one number: callers' networks differ in whether they send the +. */
export function numberKey(dialled: string): string {
  return dialled.trim().replace(/^\+/, '');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

class Snapshot implements FlowCatalog {
  readonly loadedAt = new Date();
  private readonly byNumber = new Map<string, Flow>();
  private readonly named = new Map<string, Flow>();
  private readonly list: readonly Flow[];

  constructor(
    flows: readonly Flow[],
    private readonly defaultFlow: Flow,
    readonly version: number,
  ) {
    this.list = Object.freeze([...flows]);
    for (const flow of flows) {
      this.named.set(flow.name, flow);
      for (const number of flow.numbers ?? []) this.byNumber.set(numberKey(number), flow);
    }
    Object.freeze(this);
  }

  flowFor(dialled: string): Flow {
    return this.byNumber.get(numberKey(dialled)) ?? this.defaultFlow;
  }

  byName(name: string): Flow | undefined {
    return this.named.get(name);
  }

  flows(): Flow[] {
    return [...this.list];
  }
}

interface LoadedFlow {
  file: string;
  flow: Flow;
}

function readFlowFiles(dir: string): { loaded: LoadedFlow[]; errors: FlowIssue[]; warnings: FlowIssue[] } {
  const read = readYamlDirectory(dir, 'the flow directory', (text, file) => {
    const result = validateFlowText(text, file);
    return { value: result.flow, errors: result.errors, warnings: result.warnings };
  });
  return { loaded: read.loaded.map(({ file, value }) => ({ file, flow: value })), errors: read.errors, warnings: read.warnings };
}

/** Checks between files: names, numbers, the default, transfers, and loops that cross flows. */
function crossFileIssues(dir: string, loaded: readonly LoadedFlow[]): FlowIssue[] {
  const errors: FlowIssue[] = [];
  const byName = new Map<string, LoadedFlow>();
  const byNumber = new Map<string, LoadedFlow>();
  for (const entry of loaded) {
    const { file, flow } = entry;
    const other = byName.get(flow.name);
    if (other) errors.push({ file, path: 'name', message: `flow name "${flow.name}" is already used by ${other.file}` });
    else byName.set(flow.name, entry);
    (flow.numbers ?? []).forEach((number, index) => {
      const claimant = byNumber.get(numberKey(number));
      if (claimant === entry) errors.push({ file, path: joinPath('numbers', index), message: `number ${number} is listed twice` });
      else if (claimant) errors.push({ file, path: joinPath('numbers', index), message: `number ${number} is already claimed by flow "${claimant.flow.name}" (${claimant.file})` });
      else byNumber.set(numberKey(number), entry);
    });
  }

  const defaults = loaded.filter((entry) => entry.flow.default === true);
  if (defaults.length === 0 && loaded.length > 0) {
    errors.push({ file: dir, path: '', message: 'no flow is the default: set `default: true` on exactly one flow (it answers numbers no flow lists)' });
  }
  for (const extra of defaults.slice(1)) {
    errors.push({ file: extra.file, path: 'default', message: `flow "${defaults[0]!.flow.name}" (${defaults[0]!.file}) is already the default; exactly one flow may be` });
  }

  const flowNames = [...byName.keys()].join(', ');
  for (const { file, flow } of loaded) {
    for (const [name, step] of Object.entries(flow.steps)) {
      if (step.type === 'transfer' && step.flow !== undefined && !byName.has(step.flow)) {
        errors.push({ file, path: joinPath('steps', name, 'flow'), message: `no flow named "${step.flow}"; flows are ${flowNames}` });
      }
    }
  }
  errors.push(...crossFlowLoops(byName));
  return errors;
}

/**
 * A transfer continues at the other flow's start, so flows can loop into each
 * other without the caller ever being asked anything. Loops inside one flow
 * are reported by validateFlowText; here only loops spanning flows.
 */
function crossFlowLoops(byName: ReadonlyMap<string, LoadedFlow>): FlowIssue[] {
  const node = (flow: string, step: string): string => `${flow}/${step}`;
  const stepOf = (id: string) => {
    const slash = id.indexOf('/');
    return byName.get(id.slice(0, slash))?.flow.steps[id.slice(slash + 1)];
  };
  const nodes = [...byName.values()].flatMap(({ flow }) => Object.keys(flow.steps).map((step) => node(flow.name, step)));
  const successors = (id: string): string[] => {
    const step = stepOf(id);
    if (!step) return [];
    if (step.type === 'transfer' && step.flow !== undefined) {
      const target = byName.get(step.flow)?.flow;
      return target ? [node(target.name, target.start)] : [];
    }
    const flow = id.slice(0, id.indexOf('/'));
    return stepEdges(step).map((edge) => node(flow, edge.target));
  };
  const waits = (id: string): boolean => {
    const step = stepOf(id);
    return step === undefined || takesInput(step);
  };
  return noInputCycles(nodes, successors, waits)
    .filter((cycle) => new Set(cycle.map((id) => id.slice(0, id.indexOf('/')))).size > 1)
    .map((cycle) => {
      const first = cycle[0]!;
      const slash = first.indexOf('/');
      const owner = byName.get(first.slice(0, slash))!;
      return {
        file: owner.file,
        path: joinPath('steps', first.slice(slash + 1)),
        message: `flows loop into each other without taking caller input: ${[...cycle, first].join(' → ')}`,
      };
    });
}

/**
 * Reads and checks every flow file (`*.yaml`, `*.yml`) in a directory; other
 * files (README.md) are ignored. The catalog is null when there is any error.
 */
export function loadFlowDirectory(dir: string, version = 1): FlowDirectoryResult {
  const { loaded, errors, warnings } = readFlowFiles(dir);
  if (loaded.length === 0 && errors.length === 0) {
    errors.push({ file: dir, path: '', message: 'no flow files (*.yaml, *.yml) in the directory; one must be the default flow' });
  }
  errors.push(...crossFileIssues(dir, loaded));
  if (errors.length > 0) return { catalog: null, errors, warnings };
  const flows = loaded.map((entry) => deepFreeze(entry.flow));
  const defaultFlow = flows.find((flow) => flow.default === true)!;
  return { catalog: new Snapshot(flows, defaultFlow, version), errors, warnings };
}
