import { wellFormed } from '../text/unicode.js';

/** Longer than any real caller ID or name; a trunk sending more is sending junk. */
const MAX_CALLER_TEXT = 128;

/**
 * A caller's number or name as the far end sent it, made safe to carry: no
 * control characters (PostgreSQL refuses NUL in text; logs and screens do not
 * want the rest), well-formed Unicode, at most 128 characters.
 */
export function callerText(raw: string | undefined): string {
  if (raw === undefined) return '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const printable = raw.replace(/[\u0000-\u001F\u007F]/g, '');
  return [...wellFormed(printable)].slice(0, MAX_CALLER_TEXT).join('');
}
