import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { isDatabaseUnavailable, pgErrorCode } from '../db/queryable.js';
import { RingsideError } from '../errors.js';

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'Stable code to match on, e.g. invalid_input, not_found, conflict.' }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'ErrorBody' },
);

/** Codes for the 4xx errors Fastify itself raises before a handler runs. */
function codeOfFrameworkError(error: FastifyError): string {
  if (error.validation) return 'invalid_input';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body_too_large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  if (error.code?.startsWith('FST_ERR_CTP')) return 'invalid_body';
  return 'bad_request';
}

/**
 * Ajv reports every branch of a failed union; a person needs one reason per field.
 * Keeps the first message of each field and drops the generic "anyOf" summary.
 */
function validationMessage(error: FastifyError): string {
  const context = error.validationContext ?? 'request';
  const perField = new Map<string, string>();
  for (const issue of error.validation ?? []) {
    if (issue.keyword === 'anyOf' && perField.size > 0) continue;
    const field = `${context}${issue.instancePath}`;
    const allowed = (issue.params as { allowedValues?: unknown[] }).allowedValues;
    const message = allowed ? `must be one of ${allowed.join(', ')}` : issue.message ?? 'is invalid';
    if (!perField.has(field)) perField.set(field, `${field} ${message}`);
  }
  return perField.size > 0 ? [...perField.values()].join('; ') : error.message;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | RingsideError, request, reply) => {
    if (error instanceof RingsideError) {
      return reply.status(error.statusCode).send({ error: error.code, message: error.message, details: error.details });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: codeOfFrameworkError(error), message: error.validation ? validationMessage(error) : error.message });
    }
    if (pgErrorCode(error)?.startsWith('22')) {
      // A data exception (a NUL in text, a number out of a column's range) is the input's fault, not a bug.
      return reply.status(400).send({ error: 'invalid_input', message: `a value cannot be stored: ${error.message}` });
    }
    if (isDatabaseUnavailable(error)) {
      // Not a bug: the CRM's database is away. The client may retry; calls and agent states go on meanwhile.
      request.log.warn({ err: error }, 'request failed: PostgreSQL unavailable');
      return reply.status(503).header('retry-after', '5').send({ error: 'database_unavailable', message: 'the CRM database is unavailable; try again shortly' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` }),
  );
}
