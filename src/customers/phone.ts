import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** Longest caller ID worth parsing; anything longer is garbage or an attack, not a phone number. */
const MAX_CALLER_ID_LENGTH = 40;

/** What Asterisk and carriers put in the caller number when the caller is hidden. */
const WITHHELD = new Set(['', 'anonymous', 'unknown', 'unavailable', 'private', 'restricted', 'withheld', 'blocked']);

export type CallerIdKind = 'withheld' | 'invalid' | 'valid';

export interface NormalisedCallerId {
  kind: CallerIdKind;
  /** E.164 (+8613800138000) when kind is 'valid', otherwise null. */
  e164: string | null;
  /** Country of the number when known (CN, US, ...). */
  country: string | null;
}

const NONE = (kind: CallerIdKind): NormalisedCallerId => ({ kind, e164: null, country: null });

/**
 * Turns a caller ID as it arrives from a trunk (`+14155550123`, `(415) 555-0123`,
 * `008613800138000`, `sip:+44...@host`, `anonymous`) into E.164. Never throws.
 */
export function normaliseCallerId(raw: unknown, defaultRegion: CountryCode): NormalisedCallerId {
  if (typeof raw !== 'string') return NONE('withheld');
  let value = raw.trim();
  if (value.length > MAX_CALLER_ID_LENGTH) return NONE('invalid');
  if (WITHHELD.has(value.toLowerCase())) return NONE('withheld');

  // SIP/tel URIs carry the number in the user part.
  const uri = /^(?:sips?|tel):([^@;]+)/i.exec(value);
  if (uri?.[1]) value = uri[1];
  if (!/^[+\d\s().\-/]+$/.test(value) || !/\d/.test(value)) return NONE('invalid');

  try {
    const parsed = parsePhoneNumberFromString(value, defaultRegion);
    if (!parsed?.isValid()) return NONE('invalid');
    return { kind: 'valid', e164: parsed.number, country: parsed.country ?? null };
  } catch {
    return NONE('invalid');
  }
}

/** E.164 or null, for code that only needs the key. */
export function toE164(raw: unknown, defaultRegion: CountryCode): string | null {
  return normaliseCallerId(raw, defaultRegion).e164;
}
