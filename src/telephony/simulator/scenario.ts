/** Scenario files: timed caller and phone actions, one per line (grammar in README.md). */
import type { EndpointBehaviour } from './types.js';
import { SimulatorError } from './types.js';

export type ScenarioStep =
  | { kind: 'call'; from: string; fromName?: string; to: string; as?: string }
  | { kind: 'press'; digits: string; call: string }
  | { kind: 'hangup'; call: string }
  | { kind: 'hold' | 'unhold'; call: string }
  | { kind: 'endpoint'; endpoint: string; behaviour: EndpointBehaviour }
  | { kind: 'answer-endpoint' | 'hangup-endpoint'; endpoint: string }
  | { kind: 'drop'; app?: string };

export interface ScenarioLine {
  line: number;
  at: number;
  step: ScenarioStep;
}

const NAME = '([A-Za-z_][\\w-]*)';
const ENDPOINT = '([A-Za-z][A-Za-z0-9]*/[^\\s/]+)';
const SECONDS = '(\\d+(?:\\.\\d+)?)';

const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => ScenarioStep]> = [
  [
    new RegExp(`^call from (\\S+)(?: "([^"]*)")? to (\\S+)(?: as ${NAME})?$`),
    (m) => ({ kind: 'call', from: m[1] ?? '', ...(m[2] !== undefined ? { fromName: m[2] } : {}), to: m[3] ?? '', ...(m[4] ? { as: m[4] } : {}) }),
  ],
  [new RegExp(`^press ([0-9A-Da-d*#]+) on ${NAME}$`), (m) => ({ kind: 'press', digits: m[1] ?? '', call: m[2] ?? '' })],
  [new RegExp(`^hangup ${ENDPOINT}$`), (m) => ({ kind: 'hangup-endpoint', endpoint: m[1] ?? '' })],
  [new RegExp(`^hangup ${NAME}$`), (m) => ({ kind: 'hangup', call: m[1] ?? '' })],
  [new RegExp(`^(hold|unhold) ${NAME}$`), (m) => ({ kind: m[1] === 'hold' ? 'hold' : 'unhold', call: m[2] ?? '' })],
  [new RegExp(`^answer ${ENDPOINT}$`), (m) => ({ kind: 'answer-endpoint', endpoint: m[1] ?? '' })],
  [
    new RegExp(`^endpoint ${ENDPOINT} answers(?: after ${SECONDS})?(?: and hangs up after ${SECONDS})?$`),
    (m) => {
      const behaviour: EndpointBehaviour = { behaviour: 'answer' };
      if (m[2] !== undefined) behaviour.answerAfterMs = Number(m[2]) * 1000;
      if (m[3] !== undefined) behaviour.hangupAfterMs = Number(m[3]) * 1000;
      return { kind: 'endpoint', endpoint: m[1] ?? '', behaviour };
    },
  ],
  [
    new RegExp(`^endpoint ${ENDPOINT} (busy|reject|rejects|no-answer|unreachable|manual)$`),
    (m) => {
      const word = m[2] === 'rejects' ? 'reject' : (m[2] as EndpointBehaviour['behaviour']);
      return { kind: 'endpoint', endpoint: m[1] ?? '', behaviour: { behaviour: word } };
    },
  ],
  [new RegExp(`^drop connections(?: (\\S+))?$`), (m) => ({ kind: 'drop', ...(m[1] ? { app: m[1] } : {}) })],
];

/** Parses the whole file first, so a bad line rejects the scenario before anything happens. */
export function parseScenario(text: string): ScenarioLine[] {
  if (typeof text !== 'string') throw new SimulatorError('scenario must be text');
  const result: ScenarioLine[] = [];
  const names = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') return;
    const timed = /^t=(\d+(?:\.\d+)?)\s+(.+)$/.exec(content);
    if (!timed?.[1] || !timed[2]) throw new SimulatorError(`line ${line}: expected "t=<seconds> <action>", got "${content}"`);
    const action = timed[2].replace(/\s+/g, ' ');
    for (const [pattern, build] of PATTERNS) {
      const match = pattern.exec(action);
      if (!match) continue;
      const step = build(match);
      if (step.kind === 'call' && step.as) {
        if (names.has(step.as)) throw new SimulatorError(`line ${line}: call name "${step.as}" is already used`);
        names.add(step.as);
      }
      if ((step.kind === 'press' || step.kind === 'hangup' || step.kind === 'hold' || step.kind === 'unhold') && !names.has(step.call)) {
        throw new SimulatorError(`line ${line}: no call named "${step.call}" is placed on an earlier line`);
      }
      result.push({ line, at: Number(timed[1]), step });
      return;
    }
    throw new SimulatorError(`line ${line}: unknown action "${action}"`);
  });
  return result;
}
