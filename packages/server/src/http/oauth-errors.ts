// What the OAuth 2.0 endpoints (/token, /oauth/revoke, /oauth/introspect) share: form bodies only
// (RFC 6749 §3.2) and errors in RFC 6749 §5.2 form, {error, error_description}, which RFC 7009
// §2.2.1 and RFC 7662 §2.3 adopt; a refused client gets 401 with a Basic challenge (RFC 6749 §5.2).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../core/errors.js';
import { logFailure, toAuthError } from './error-handler.js';

/** preValidation hook: these endpoints take application/x-www-form-urlencoded only. */
export async function requireForm(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AuthError('unsupported_media_type', 'Send the request as application/x-www-form-urlencoded.');
  }
}

export const oauthErrorSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' }, error_description: { type: 'string' },
    mfa_token: { type: 'string', description: 'Only with error mfa_required (as Auth0 answers it)' },
    factors: { type: 'array', items: { type: 'string' } },
  },
  required: ['error'],
};

/** AuthError codes in RFC 6749 §5.2 terms (and RFC 8628's slow_down for rate limits). */
function oauthError(error: AuthError): { status: number; error: string } {
  switch (error.code) {
    case 'missing_token': // a parameter missing, the access token included (RFC 6749 §5.2)
      return { status: 400, error: 'invalid_request' };
    case 'unsupported_grant_type':
    case 'unauthorized_client':
    case 'invalid_scope':
    case 'invalid_grant':
      return { status: 400, error: error.code };
    case 'invalid_client':
      return { status: 401, error: 'invalid_client' };
    case 'rate_limited':
      return { status: 429, error: 'slow_down' };
    case 'store_unavailable':
    case 'overloaded':
      return { status: 503, error: 'temporarily_unavailable' };
    case 'internal_error':
      return { status: 500, error: 'server_error' };
    case 'mfa_required': // Auth0's answer to a password grant of an account with a second factor
      return { status: 403, error: 'mfa_required' };
  }
  if (error.statusCode === 401 || error.statusCode === 403) return { status: 400, error: 'invalid_grant' };
  return { status: error.statusCode, error: 'invalid_request' };
}

export function oauthErrorHandler(thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const authError = toAuthError(thrown, request);
  logFailure(request, thrown, authError);
  const { status, error } = oauthError(authError);
  if (authError.retryAfterSeconds) reply.header('retry-after', String(authError.retryAfterSeconds));
  if (error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="gatehouse", charset="UTF-8"');
  reply.status(status).send({ error, error_description: authError.message, ...authError.details });
}
