import { ApiError, NetworkError } from './api/http.js';
import type { Dictionary } from './i18n/en.js';

/** A failure in the agent's language where the code is known; otherwise the server's own message. */
export function describeError(t: Dictionary, error: unknown): string {
  if (error instanceof NetworkError) return t.errors.network;
  if (error instanceof ApiError) return t.errors.codes[error.code] ?? error.message;
  return error instanceof Error ? error.message : String(error);
}
