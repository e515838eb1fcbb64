import ct from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

/** Opening times by weekday, in minutes of the day: [from, to) pairs. */
export type WeeklyHours = Record<Day, Array<[number, number]>>;

export class HoursFormatError extends Error {}

const minutesOf = (time: string): number | null => {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
};

function window(text: string): [number, number] {
  const [from, to] = text.split('-');
  const start = minutesOf(from ?? '');
  const end = minutesOf(to ?? '');
  if (start === null || end === null || start >= end) throw new HoursFormatError(`"${text}" is not a time range like 09:00-18:00`);
  return [start, end];
}

function dayRange(text: string): Day[] {
  const [first, last = first] = text.split('-') as [string, string?];
  const from = DAYS.indexOf(first as Day);
  const to = DAYS.indexOf(last as Day);
  if (from < 0 || to < 0) throw new HoursFormatError(`"${text}" is not a day or days like mon-fri`);
  const days: Day[] = [];
  for (let day = from; ; day = (day + 1) % 7) {
    days.push(DAYS[day]!);
    if (day === to) break;
  }
  return days;
}

/** "mon-fri 09:00-18:00, sat 10:00-14:00": days (a range may wrap, fri-mon) then one or more time ranges. */
export function parseWeeklyHours(text: string): WeeklyHours {
  const hours: WeeklyHours = { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] };
  const parts = text.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '');
  if (parts.length === 0) throw new HoursFormatError('no opening hours given');
  for (const part of parts) {
    const [days, ...times] = part.split(/\s+/);
    if (!days || times.length === 0) throw new HoursFormatError(`"${part}" needs days and times, e.g. mon-fri 09:00-18:00`);
    for (const day of dayRange(days)) hours[day].push(...times.map(window));
  }
  return hours;
}

/** "09:00-21:00": the same window every day. */
export function parseDailyHours(text: string): Array<[number, number]> {
  return text.split(',').map((part) => window(part.trim()));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, format);
  }
  return format;
}

function wallClock(at: Date, zone: string): { day: Day; minutes: number } {
  const parts = formatter(zone).formatToParts(at);
  const value = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return { day: value('weekday').slice(0, 3).toLowerCase() as Day, minutes: Number(value('hour')) * 60 + Number(value('minute')) };
}

const inside = (windows: ReadonlyArray<[number, number]>, minutes: number): boolean => windows.some(([from, to]) => minutes >= from && minutes < to);

export interface CallingRules {
  center: WeeklyHours;
  centerZone: string;
  /** The customer's local hours, every day. */
  customer: Array<[number, number]>;
}

/**
 * The zones a customer may be in: their own if the CRM knows it; otherwise every zone of their number's country
 * (the strictest reading: a call must suit all of them); the center's when the number says nothing.
 */
export function customerZones(e164: string, ownZone: string | null, centerZone: string): string[] {
  if (ownZone) return [ownZone];
  const country = parsePhoneNumberFromString(e164)?.country;
  const zones = country ? ct.getCountry(country)?.timezones : undefined;
  return zones && zones.length > 0 ? zones : [centerZone];
}

export function callableAt(at: Date, rules: CallingRules, zones: readonly string[]): boolean {
  const center = wallClock(at, rules.centerZone);
  if (!inside(rules.center[center.day], center.minutes)) return false;
  return zones.every((zone) => inside(rules.customer, wallClock(at, zone).minutes));
}

const MINUTE = 60_000;
/** Far enough for any weekly hours; a rule set that never opens gives null. */
const SEARCH_DAYS = 8;

/** The first minute from `from` (itself, if callable) when both the center and the customer may take a call. */
export function nextCallable(from: Date, rules: CallingRules, zones: readonly string[], until?: Date): Date | null {
  if (callableAt(from, rules, zones)) return from;
  const start = Math.ceil(from.getTime() / MINUTE) * MINUTE;
  const end = Math.min(until?.getTime() ?? Infinity, start + SEARCH_DAYS * 24 * 60 * MINUTE);
  for (let at = start; at < end; at += MINUTE) {
    const date = new Date(at);
    if (callableAt(date, rules, zones)) return date;
  }
  return null;
}
