// POST /token: the OAuth2 token endpoint (RFC 6749 §3.2), form-encoded, switching on grant_type.
// Answers follow §5.1 and errors §5.2, so OAuth2 clients and the OpenAPI "Authorize" button work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import { logFailure, toAuthError } from '../../error-handler.js';
import { noStore } from '../../http.js';
import { NO_CONTROL_CHARS, ref } from '../../schemas.js';
import { passwordGrant } from './grants/password.js';
import { refreshTokenGrant } from './grants/refresh-token.js';

export interface TokenForm {
  grant_type?: string;
  username?: string;
  password?: string;
  refresh_token?: string;
  access_token?: string;
  scope?: string;
  client_id?: string;
}

const GRANTS = { password: passwordGrant, refresh_token: refreshTokenGrant } as const;

export function tokenRoute(app: FastifyInstance): void {
  const field = { type: 'string', maxLength: 4096 };
  app.post<{ Body: TokenForm }>('/token', {
    onRequest: noStore,
    preValidation: requireForm,
    errorHandler: oauthErrorHandler,
    schema: {
      tags: ['oauth2'],
      summary: 'OAuth2 token endpoint: password and refresh_token grants (RFC 6749)',
      consumes: ['application/x-www-form-urlencoded'],
      body: {
        type: 'object',
        properties: {
          grant_type: { type: 'string', maxLength: 64, description: 'password or refresh_token' },
          username: { ...field, maxLength: 254, pattern: NO_CONTROL_CHARS }, password: field, refresh_token: field, access_token: field,
          scope: { type: 'string', maxLength: 1024 }, client_id: { type: 'string', maxLength: 255 },
        },
      },
      response: {
        200: ref('TokenPair'),
        '4xx': { ...oauthErrorSchema, description: 'OAuth2 error (RFC 6749 §5.2): invalid_request, invalid_grant, unsupported_grant_type or slow_down' },
        '5xx': { ...oauthErrorSchema, description: 'server_error or temporarily_unavailable' },
      },
    },
  }, async (request) => {
    const body = request.body ?? {};
    if (!body.grant_type) throw new AuthError('validation_failed', 'grant_type is required.');
    const grant = GRANTS[body.grant_type as keyof typeof GRANTS];
    if (!grant) throw new AuthError('unsupported_grant_type', `grant_type "${body.grant_type}" is not supported.`);
    return grant(app, request, body);
  });
}

/** RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded only. */
async function requireForm(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AuthError('unsupported_media_type', 'Send the token request as application/x-www-form-urlencoded.');
  }
}

const oauthErrorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error'],
};

/** AuthError codes in RFC 6749 §5.2 terms (and RFC 8628's slow_down for rate limits). */
function oauthError(error: AuthError): { status: number; error: string } {
  switch (error.code) {
    case 'unsupported_grant_type':
      return { status: 400, error: 'unsupported_grant_type' };
    case 'rate_limited':
      return { status: 429, error: 'slow_down' };
    case 'store_unavailable':
    case 'overloaded':
      return { status: 503, error: 'temporarily_unavailable' };
    case 'internal_error':
      return { status: 500, error: 'server_error' };
  }
  if (error.statusCode === 401 || error.statusCode === 403) return { status: 400, error: 'invalid_grant' };
  return { status: error.statusCode, error: 'invalid_request' };
}

function oauthErrorHandler(thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const authError = toAuthError(thrown, request);
  logFailure(request, thrown, authError);
  const { status, error } = oauthError(authError);
  if (authError.retryAfterSeconds) reply.header('retry-after', String(authError.retryAfterSeconds));
  reply.status(status).send({ error, error_description: authError.message });
}
