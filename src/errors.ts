/**
 * Errors clients can act on: a stable code to match on, a message for people,
 * and the HTTP status the REST layer answers with. Anything else is a bug (500).
 */
export class RingsideError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RingsideError';
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>): RingsideError =>
  new RingsideError('invalid_input', message, 400, details);

export const notFound = (what: string): RingsideError => new RingsideError('not_found', `${what} not found`, 404);

export const conflict = (message: string): RingsideError => new RingsideError('conflict', message, 409);
