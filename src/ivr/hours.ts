import type { StepOf } from './schema.js';

export type HoursStatus = 'open' | 'closed' | 'holiday';

const WEEKDAYS: Record<string, string> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** The wall-clock date, weekday and minute of the day in a time zone. */
export function localTime(at: Date, timezone: string): { date: string; day: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day: WEEKDAYS[parts.weekday ?? ''] ?? 'mon',
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Whether the line is open at `at`: holidays first, then the weekly opening times (from inclusive, to exclusive). */
export function hoursStatus(step: StepOf<'hours'>, at: Date): HoursStatus {
  const local = localTime(at, step.timezone);
  if (step.holidays?.includes(local.date)) return 'holiday';
  const open = step.open.some((window) => window.days.includes(local.day as never) && local.minutes >= minutesOf(window.from) && local.minutes < minutesOf(window.to));
  return open ? 'open' : 'closed';
}
