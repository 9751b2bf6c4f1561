// GET|POST /oauth/userinfo (OpenID Connect Core §5.3): the signed-in user's claims for a client's
// access token, sent as `Authorization: Bearer` or, in a POST form, as `access_token` (RFC 6750
// §2.1, §2.2; never both, §2). Errors follow RFC 6750 §3: a WWW-Authenticate Bearer challenge with
// invalid_request, invalid_token or insufficient_scope, and the same in the body.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { AuthError } from '../../../core/errors.js';
import { userinfoOf } from '../../../core/oidc/userinfo.js';
import { SCOPED_CLAIM_NAMES } from '../../../core/oidc/user-claims.js';
import { readBearerToken } from '../../auth-guard.js';
import { logFailure, toAuthError } from '../../error-handler.js';
import { noStore } from '../../http.js';

const answerSchema = {
  type: 'object',
  description: 'sub, and the claims of the scopes granted: email and email_verified (email), name and preferred_username (profile)',
  properties: {
    sub: { type: 'string' },
    ...Object.fromEntries(SCOPED_CLAIM_NAMES.map((name) => [name, { type: name === 'email_verified' ? 'boolean' : 'string' }])),
  },
  required: ['sub'],
};
const bearerErrorSchema = { type: 'object', properties: { error: { type: 'string' }, error_description: { type: 'string' } }, required: ['error'] };

export function userinfoRoute(app: FastifyInstance, auth: Pick<AuthService, 'authenticate'>): void {
  const handler = async (request: FastifyRequest) => {
    const token = tokenOf(request);
    return userinfoOf(await auth.authenticate(token));
  };
  const schema = {
    tags: ['oidc'],
    summary: 'The user\'s claims for a client\'s access token with the openid scope (OpenID Connect Core §5.3)',
    response: {
      200: answerSchema,
      '4xx': { ...bearerErrorSchema, description: 'RFC 6750 §3.1: invalid_request (400), invalid_token (401), insufficient_scope (403), with a WWW-Authenticate Bearer challenge' },
      '5xx': { ...bearerErrorSchema, description: 'temporarily_unavailable: a store is down' },
    },
  };
  app.get('/oauth/userinfo', { onRequest: noStore, errorHandler: bearerErrorHandler, schema }, handler);
  app.post('/oauth/userinfo', {
    onRequest: noStore, errorHandler: bearerErrorHandler,
    // a POST with the token in the header may have no body at all (OpenID Connect Core §5.3.1)
    preValidation: async (request: FastifyRequest) => { request.body ??= {}; },
    schema: { ...schema, body: { type: 'object', properties: { access_token: { type: 'string', maxLength: 4096 } } } },
  }, handler);
}

/** The bearer token from the header or a form body's access_token, never both. */
function tokenOf(request: FastifyRequest): string {
  const fromHeader = readBearerToken(request);
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const fromBody = request.method === 'POST' && type === 'application/x-www-form-urlencoded' ? (request.body as { access_token?: string } | undefined)?.access_token : undefined;
  if (fromHeader !== undefined && fromBody !== undefined) {
    throw new AuthError('validation_failed', 'Send the access token once: in the Authorization header or in the form, not both (RFC 6750 §2).');
  }
  const token = fromHeader ?? fromBody;
  if (!token) throw new AuthError('missing_token', 'Send a bearer access token.');
  return token;
}

/** RFC 6750 §3: the challenge names the error; a request with no token at all gets a bare challenge (§3.1). */
function bearerErrorHandler(thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const authError = toAuthError(thrown, request);
  logFailure(request, thrown, authError);
  const { status, error } = bearerError(authError);
  const description = authError.message.replaceAll('"', '\'');
  const challenge = authError.code === 'missing_token' ? 'Bearer realm="gatehouse"'
    : `Bearer realm="gatehouse", error="${error}", error_description="${description}"${error === 'insufficient_scope' ? ', scope="openid"' : ''}`;
  if (status < 500) reply.header('www-authenticate', challenge);
  if (authError.retryAfterSeconds) reply.header('retry-after', String(authError.retryAfterSeconds));
  reply.status(status).send({ error, error_description: authError.message });
}

function bearerError(error: AuthError): { status: number; error: string } {
  if (error.code === 'insufficient_scope') return { status: 403, error: 'insufficient_scope' };
  if (error.statusCode === 401 || error.statusCode === 403) return { status: 401, error: 'invalid_token' };
  if (error.statusCode >= 500) return { status: error.statusCode, error: error.statusCode === 500 ? 'server_error' : 'temporarily_unavailable' };
  if (error.code === 'rate_limited') return { status: 429, error: 'invalid_request' };
  return { status: 400, error: 'invalid_request' };
}
