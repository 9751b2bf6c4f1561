// One error handler (docs/architecture.md, "Errors"): an AuthError answers its status and code;
// Fastify's own 4xx (validation, body size, media type, bad JSON) get stable codes; anything else
// is a 500 that shows no internals. 401s carry the RFC 6750 §3 challenge, 429s a Retry-After.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, authErrorOf } from '../core/errors.js';
import { fromFastifyError } from './request-errors.js';

/**
 * Turns whatever was thrown into an AuthError; unknown failures become internal_error. With the
 * request, Fastify's own refusals say what to change (request-errors.ts).
 */
export function toAuthError(error: unknown, request?: FastifyRequest): AuthError {
  const known = authErrorOf(error);
  if (known) return known;
  const e = error as Partial<FastifyError>;
  const refusal = fromFastifyError(e, request);
  if (refusal) return refusal;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AuthError('validation_failed', e.message ?? 'Bad request.');
  }
  return new AuthError('internal_error', 'Something went wrong on our side.');
}

export function bearerChallenge(error: AuthError): string | undefined {
  if (error.statusCode === 403 && error.code === 'insufficient_role') return 'Bearer realm="gatehouse", error="insufficient_scope"';
  if (error.statusCode !== 401) return undefined;
  if (error.code === 'missing_token' || error.code === 'invalid_credentials') return 'Bearer realm="gatehouse"';
  return `Bearer realm="gatehouse", error="invalid_token", error_description="${error.message.replaceAll('"', "'")}"`;
}

export function logFailure(request: FastifyRequest, error: unknown, authError: AuthError): void {
  // A shed hash is not a fault, and a flood of them must not flood the log: a metric counts them.
  if (authError.statusCode >= 500 && authError.code !== 'overloaded') {
    // the cause is logged for operators; the answer never shows it
    request.log.error({ err: authError.cause ?? error }, authError.code);
  }
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const authError = toAuthError(error, request);
  logFailure(request, error, authError);
  const challenge = bearerChallenge(authError);
  if (challenge) reply.header('www-authenticate', challenge);
  if (authError.retryAfterSeconds) reply.header('retry-after', String(authError.retryAfterSeconds));
  reply.status(authError.statusCode).send({
    statusCode: authError.statusCode,
    code: authError.code,
    error: STATUS_CODES[authError.statusCode] ?? 'Error',
    message: authError.message,
    ...authError.details, // mfa_required: mfa_token and factors
  });
}
