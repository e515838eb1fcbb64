import { invalidDate, invalidRange, rangeTooLong } from './report-errors.js';

export const INTERVALS = [15, 30, 60] as const;
export type IntervalMinutes = (typeof INTERVALS)[number];

/** Bounds the rows a report may produce (about 3,000 intervals per queue or agent). */
export const MAX_DAYS: Record<IntervalMinutes, number> = { 15: 31, 30: 62, 60: 92 };

const DAY_MS = 86_400_000;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface TimeRange {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`. */
function offsetMs(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time in `zone` names; the second pass settles times near a DST change. */
export function wallClockToInstant(wallAsUtc: number, zone: string): number {
  const guess = wallAsUtc - offsetMs(wallAsUtc, zone);
  return wallAsUtc - offsetMs(guess, zone);
}

interface ParsedTime {
  instant: number;
  /** The wall-clock time as if it were UTC: day counts and limits ignore DST. */
  wall: number;
  dateOnly: boolean;
}

/** A date is the center's midnight; a time without an offset is the center's wall clock; with one, it is exact. */
function parseTime(field: string, value: string, zone: string): ParsedTime {
  const match = PATTERN.exec(value);
  if (!match) throw invalidDate(field, value);
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)] as const;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  const wall = Date.UTC(...fields, ms);
  const check = new Date(wall);
  // Date.UTC rolls 2026-02-30 over to March; a real date reads back the same.
  if (check.getUTCFullYear() !== fields[0] || check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    throw invalidDate(field, value);
  }
  if (offset) {
    const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2)));
    if (Math.abs(minutes) > 18 * 60) throw invalidDate(field, value);
    const instant = wall - minutes * 60_000;
    return { instant, wall: instant + offsetMs(instant, zone), dateOnly: false };
  }
  return { instant: wallClockToInstant(wall, zone), wall, dateOnly: hour === undefined };
}

/**
 * `from` and `to` as a half-open range. A date for `to` means "through that day", so from=to=2026-06-01 is
 * that whole day; missing bounds stay open (the search), reports require both.
 */
export function parseRange(input: { from?: string | undefined; to?: string | undefined }, zone: string): { from: Date | null; to: Date | null; days: number | null } {
  const from = input.from === undefined ? null : parseTime('from', input.from, zone);
  let to = input.to === undefined ? null : parseTime('to', input.to, zone);
  if (to?.dateOnly) {
    const wall = to.wall + DAY_MS;
    to = { instant: wallClockToInstant(wall, zone), wall, dateOnly: true };
  }
  if (from && to && from.instant >= to.instant) throw invalidRange(`from (${input.from}) must be before to (${input.to})`);
  return { from: from ? new Date(from.instant) : null, to: to ? new Date(to.instant) : null, days: from && to ? (to.wall - from.wall) / DAY_MS : null };
}

export function parseReportRange(input: { from: string; to: string }, intervalMinutes: IntervalMinutes, zone: string): TimeRange {
  const range = parseRange(input, zone);
  if (!range.from || !range.to || range.days === null) throw invalidRange('from and to are both required');
  if (range.days > MAX_DAYS[intervalMinutes]) throw rangeTooLong(intervalMinutes, MAX_DAYS[intervalMinutes]);
  return { from: range.from, to: range.to };
}
