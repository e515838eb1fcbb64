import { joinPath } from '../ivr/flow-issues.js';
import type { SchemaProblem } from '../ivr/schema-messages.js';
import type { Condition, QueueSchema, Rule, TimeWindow } from './schema.js';

/** Checks a schema cannot express, on one schema-valid part; paths relative to the file. */

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function realDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

function windowProblems(window: TimeWindow, path: string, out: SchemaProblem[]): void {
  if (!validTimezone(window.timezone)) out.push({ path: joinPath(path, 'timezone'), message: `unknown time zone "${window.timezone}"; use an IANA name such as Asia/Shanghai or Europe/Paris` });
  if ((window.from === undefined) !== (window.to === undefined)) out.push({ path, message: 'give both from and to, or neither' });
  if (window.from !== undefined && window.to !== undefined && window.from >= window.to) {
    out.push({ path: joinPath(path, 'to'), message: `from (${window.from}) must be before to (${window.to}); split a window that crosses midnight in two` });
  }
  window.dates?.forEach((date, index) => {
    if (!realDate(date)) out.push({ path: joinPath(path, 'dates', index), message: `"${date}" is not a calendar date` });
  });
  if (window.days === undefined && window.from === undefined && window.dates === undefined) out.push({ path, message: 'a time condition needs days, from/to or dates' });
}

export function conditionChecks(condition: Condition, path: string, out: SchemaProblem[]): void {
  if ('all' in condition) condition.all.forEach((inner, index) => conditionChecks(inner, joinPath(path, 'all', index), out));
  else if ('any' in condition) condition.any.forEach((inner, index) => conditionChecks(inner, joinPath(path, 'any', index), out));
  else if ('not' in condition) conditionChecks(condition.not, joinPath(path, 'not'), out);
  else if ('time' in condition) windowProblems(condition.time, joinPath(path, 'time'), out);
  else {
    if (condition.contains !== undefined && condition.field !== 'tags') out.push({ path: joinPath(path, 'contains'), message: `contains tests the tags list only, not ${condition.field}` });
    if (condition.matches !== undefined) {
      try {
        new RegExp(condition.matches);
      } catch {
        out.push({ path: joinPath(path, 'matches'), message: `"${condition.matches}" is not a valid regular expression` });
      }
    }
  }
}

/** The ladder: times never going back, relaxing only what is required, nothing after voicemail, no queue twice. */
export function ruleChecks(rule: Rule, path: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (rule.when !== undefined) conditionChecks(rule.when, joinPath(path, 'when'), out);
  const skills = new Map(Object.entries(rule.skills ?? {}));
  const queues = new Set([rule.queue]);
  let previous = 0;
  let ended = false;
  (rule.escalations ?? []).forEach((step, index) => {
    const at = joinPath(path, 'escalations', index);
    // Equal times are allowed (relax a skill and overflow at once); they apply in the order written.
    if (step.after < previous) out.push({ path: joinPath(at, 'after'), message: `after ${step.after} s comes before the step above it (after ${previous} s); list escalation steps in time order` });
    previous = Math.max(previous, step.after);
    if (ended) out.push({ path: at, message: 'the call has already left the queue for voicemail; no step can follow it' });
    if (step.action === 'voicemail') ended = true;
    if (step.action === 'relax') {
      const level = skills.get(step.skill);
      if (level === undefined) out.push({ path: joinPath(at, 'skill'), message: `the rule does not require "${step.skill}" at this point; required: ${[...skills.keys()].join(', ') || 'none'}` });
      else if (step.level >= level) out.push({ path: joinPath(at, 'level'), message: `relaxing "${step.skill}" must lower its level below ${level}, not to ${step.level}` });
      else if (step.level === 0) skills.delete(step.skill);
      else skills.set(step.skill, step.level);
    }
    if (step.action === 'add_queue' || step.action === 'overflow') {
      if (queues.has(step.queue)) out.push({ path: joinPath(at, 'queue'), message: `the call is already in queue "${step.queue}" at this point` });
      if (step.action === 'overflow') queues.clear();
      queues.add(step.queue);
    }
  });
  return out;
}

export function queueChecks(queue: QueueSchema, path: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const field of ['whenNoAgents', 'whenFull', 'whenMaxWait'] as const) {
    const action = queue[field];
    if (action?.action === 'overflow' && action.queue === queue.name) out.push({ path: joinPath(path, field, 'queue'), message: `queue "${queue.name}" cannot overflow to itself` });
  }
  return out;
}
