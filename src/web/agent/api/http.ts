import type { ApiErrorBody } from '../types.js';

/** A refused or failed request: the status, the server's error code and message (src/http/errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After on a 429. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all (network down, server stopped). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

let onUnauthorized: (() => void) | null = null;

/** Called when a request answers 401: the session is gone (expired, ended elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string' && typeof (value as { message?: unknown }).message === 'string';
}

async function errorOf(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const { error, message } = isErrorBody(body) ? body : { error: `http_${response.status}`, message: response.statusText || `HTTP ${response.status}` };
  return new ApiError(response.status, error, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

export interface RequestOptions {
  /** Do not treat a 401 as the end of the session (the login form itself). */
  allowUnauthorized?: boolean;
}

/** One JSON request on the session cookie; resolves to the parsed body (undefined for 204), rejects with ApiError or NetworkError. */
export async function request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.allowUnauthorized) onUnauthorized?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  // The body is the server's schema-checked answer for this route: the caller names its type.
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
