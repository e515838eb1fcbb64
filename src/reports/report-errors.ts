import { RingsideError } from '../errors.js';

/** Each kind of bad report input has its own code, so a client can tell a typo from a too-long range. */
export const invalidDate = (field: string, value: string): RingsideError =>
  new RingsideError('invalid_date', `${field} must be a date (2026-06-01) or a time (2026-06-01T09:30, 2026-06-01T09:30:00Z), not "${value}"`, 400, { field });

export const invalidRange = (message: string): RingsideError => new RingsideError('invalid_range', message, 400);

export const rangeTooLong = (intervalMinutes: number, maxDays: number): RingsideError =>
  new RingsideError('range_too_long', `a report in ${intervalMinutes}-minute intervals covers at most ${maxDays} days`, 400, { intervalMinutes, maxDays });

export const invalidCursor = (): RingsideError => new RingsideError('invalid_cursor', 'cursor is not one this server handed out (use nextCursor of the previous page)', 400);
