import type { QueueFigures } from './types.js';

export type Level = 'ok' | 'warn' | 'alert';

/** Above the limit: amber; above one and a half times it: red (README "Wallboard"). */
const above = (value: number, limit: number): Level => (value > limit * 1.5 ? 'alert' : value > limit ? 'warn' : 'ok');

/** Below the target: amber; more than 10 points below: red. No calls yet: nothing to judge. */
const below = (value: number | null, target: number): Level => (value === null ? 'ok' : value < target - 10 ? 'alert' : value < target ? 'warn' : 'ok');

export function levelsOf(figures: QueueFigures): { waiting: Level; longestWait: Level; serviceLevel: Level; abandonRate: Level; staffing: Level } {
  const { alerts } = figures;
  return {
    waiting: above(figures.waiting, alerts.waitingAbove),
    longestWait: above(figures.longestWaitSeconds, alerts.longestWaitAboveSeconds),
    serviceLevel: below(figures.serviceLevelPercent, alerts.serviceLevelTargetPercent),
    abandonRate: figures.abandonRatePercent === null ? 'ok' : above(figures.abandonRatePercent, alerts.abandonRateAbovePercent),
    staffing: figures.staffing.agentsStaffed < figures.staffing.agentsNeeded ? 'warn' : 'ok',
  };
}

export function worst(levels: Record<string, Level>): Level {
  const values = Object.values(levels);
  return values.includes('alert') ? 'alert' : values.includes('warn') ? 'warn' : 'ok';
}
