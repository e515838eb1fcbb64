import type { Flow, Step } from './schema.js';

/** A step's outgoing edge: the field that names the target, as a dotted path below the step. */
export interface StepEdge {
  field: string;
  target: string;
}

/** Every StepId a step names, with where it names it. */
export function stepEdges(step: Step): StepEdge[] {
  switch (step.type) {
    case 'play':
    case 'set':
    case 'voicemail':
      return [{ field: 'next', target: step.next }];
    case 'menu':
      return [...Object.entries(step.options).map(([key, target]) => ({ field: `options.${key}`, target })), { field: 'fallback', target: step.fallback }];
    case 'collect':
      return [
        { field: 'next', target: step.next },
        { field: 'fallback', target: step.fallback },
      ];
    case 'lookup':
      return [
        { field: 'found', target: step.found },
        { field: 'notFound', target: step.notFound },
      ];
    case 'branch':
      return [...step.conditions.map((condition, index) => ({ field: `conditions.${index}.next`, target: condition.next })), { field: 'otherwise', target: step.otherwise }];
    case 'hours':
      return [
        { field: 'whenOpen', target: step.whenOpen },
        { field: 'whenClosed', target: step.whenClosed },
        ...(step.whenHoliday === undefined ? [] : [{ field: 'whenHoliday', target: step.whenHoliday }]),
      ];
    case 'queue':
    case 'transfer':
    case 'hangup':
      return [];
  }
}

/**
 * Steps that wait for the caller: a loop through one of them is paced by the
 * caller (and bounded by its retries). voicemail records, which also waits.
 */
export function takesInput(step: Step): boolean {
  return step.type === 'menu' || step.type === 'collect' || step.type === 'voicemail';
}

export function reachableFrom(flow: Flow, start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const step = flow.steps[name];
    if (seen.has(name) || step === undefined) continue;
    seen.add(name);
    for (const edge of stepEdges(step)) pending.push(edge.target);
  }
  return seen;
}

/**
 * Cycles among nodes that take no input, over a generic graph (nodes may be
 * steps of one flow, or `flow/step` across flows). Each returned cycle is a
 * list of nodes in walking order, starting at its smallest member so reports
 * are stable. Tarjan's strongly connected components, iteratively (no
 * recursion limit on large flows).
 */
export function noInputCycles(nodes: readonly string[], successors: (node: string) => readonly string[], waits: (node: string) => boolean): string[][] {
  const candidates = new Set(nodes.filter((node) => !waits(node)));
  const next = (node: string): string[] => successors(node).filter((target) => candidates.has(target));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of candidates) {
    if (index.has(root)) continue;
    const work: { node: string; children: string[]; at: number }[] = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: next(node), at: 0 });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      if (frame.at < frame.children.length) {
        const child = frame.children[frame.at]!;
        frame.at += 1;
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && next(frame.node).includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleThrough(component, next)).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** A shortest walk from the component's smallest node back to itself, for a readable message. */
function cycleThrough(component: string[], next: (node: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}
