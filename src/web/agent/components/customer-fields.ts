import type { Customer } from '../types.js';

// Spelled out against the server's type: a tier added there and missing here fails the type check.
const TIER_SET: Record<Customer['tier'], true> = { platinum: true, gold: true, silver: true, bronze: true, standard: true };
export const TIERS = Object.keys(TIER_SET) as Array<Customer['tier']>;

/** The server's LanguageTag pattern (src/customers/schemas.ts), so the browser refuses what the server would. */
export const LANGUAGE_TAG = '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$';
