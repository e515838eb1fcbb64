import { matches } from './conditions.js';
import type { RoutingFacts } from './facts.js';
import type { RulesCatalog } from './rules-catalog.js';
import type { QueueDefinition, Rule } from './schema.js';

/** An escalation step with its queue resolved. `after` counts seconds since the call entered its first queue. */
export type Escalation =
  | { after: number; action: 'relax'; skill: string; level: number }
  | { after: number; action: 'add_queue'; queue: QueueDefinition }
  | { after: number; action: 'overflow'; queue: QueueDefinition }
  | { after: number; action: 'callback' }
  | { after: number; action: 'voicemail' };

export interface RoutingDecision {
  /** The name of the rule that matched. */
  rule: string;
  queue: QueueDefinition;
  /** Head start in seconds of virtual wait: the ACD orders calls by (wait + priority). */
  priority: number;
  /** Skill → minimum level an agent needs. */
  skills: Record<string, number>;
  /** In increasing `after` order. */
  escalations: Escalation[];
}

/** Where a call stands after waiting a while: its escalation steps up to then applied. */
export interface RoutingState {
  queues: QueueDefinition[];
  skills: Record<string, number>;
  offerCallback: boolean;
  voicemail: boolean;
}

function queueOf(catalog: RulesCatalog, name: string): QueueDefinition {
  const queue = catalog.queue(name);
  // The catalog only exists when every queue a rule names is defined (rules-catalog.ts).
  if (!queue) throw new Error(`routing catalog version ${catalog.version} has no queue "${name}"`);
  return queue;
}

/**
 * The first rule whose `when` holds (the default rule has none, and is last,
 * so there is always one). Pure: the same catalog, facts and moment give the
 * same decision; `now` only matters to `time` conditions.
 */
export function route(catalog: RulesCatalog, facts: RoutingFacts, now: Date): RoutingDecision {
  const rule = catalog.rules().find((candidate) => candidate.when === undefined || matches(candidate.when, facts, now));
  if (!rule) throw new Error(`routing catalog version ${catalog.version} has no default rule`);
  return decide(catalog, rule);
}

function decide(catalog: RulesCatalog, rule: Rule): RoutingDecision {
  const escalations = (rule.escalations ?? []).map((step): Escalation => {
    switch (step.action) {
      case 'add_queue':
      case 'overflow':
        return { after: step.after, action: step.action, queue: queueOf(catalog, step.queue) };
      case 'relax':
        return { after: step.after, action: 'relax', skill: step.skill, level: step.level };
      default:
        return { after: step.after, action: step.action };
    }
  });
  return { rule: rule.name, queue: queueOf(catalog, rule.queue), priority: rule.priority ?? 0, skills: { ...rule.skills }, escalations };
}

/** The decision a rule (by name) gives, for a call routed before a restart; null if the rule is gone. */
export function decisionForRule(catalog: RulesCatalog, name: string): RoutingDecision | null {
  const rule = catalog.rules().find((candidate) => candidate.name === name);
  if (!rule || !catalog.queue(rule.queue)) return null;
  return decide(catalog, rule);
}

/** The decision's escalation ladder applied up to `waitedSeconds` (steps with after <= waited). */
export function stateAfter(decision: RoutingDecision, waitedSeconds: number): RoutingState {
  let queues = [decision.queue];
  const skills = { ...decision.skills };
  let offerCallback = false;
  let voicemail = false;
  for (const step of decision.escalations) {
    if (step.after > waitedSeconds) break;
    if (step.action === 'relax') {
      if (step.level === 0) delete skills[step.skill];
      else skills[step.skill] = step.level;
    } else if (step.action === 'add_queue') queues = [...queues, step.queue];
    else if (step.action === 'overflow') queues = [step.queue];
    else if (step.action === 'callback') offerCallback = true;
    else voicemail = true;
  }
  return { queues, skills, offerCallback, voicemail };
}
