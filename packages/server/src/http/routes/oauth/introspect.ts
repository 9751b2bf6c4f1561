// POST /oauth/introspect (RFC 7662): whether a token is active, for the resource servers of
// INTROSPECTION_CLIENTS, which authenticate with HTTP Basic (RFC 6749 §2.3.1) before their body is
// even parsed; anyone else gets 401 invalid_client with a Basic challenge.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import type { OAuthService } from '../../../core/oauth/oauth-service.js';
import { noStore } from '../../http.js';
import { oauthErrorHandler, oauthErrorSchema, requireForm } from '../../oauth-errors.js';
import { basicCredentials } from './basic-credentials.js';

interface IntrospectForm {
  token?: string;
  token_type_hint?: string;
}

const answerSchema = {
  type: 'object',
  description: 'RFC 7662 §2.2: {active: false} for a token that is invalid, expired or whose session ended',
  properties: {
    active: { type: 'boolean' },
    sub: { type: 'string' }, sid: { type: 'string' }, username: { type: 'string' },
    client_id: { type: 'string', description: 'A machine client\'s token (client_credentials)' }, scope: { type: 'string' },
    exp: { type: 'integer' }, iat: { type: 'integer' }, iss: { type: 'string' }, aud: { type: 'string' },
    token_type: { type: 'string', enum: ['bearer', 'refresh_token'] },
  },
  required: ['active'],
};

export function introspectRoute(app: FastifyInstance, introspection: NonNullable<OAuthService['introspection']>): void {
  async function requireClient(request: FastifyRequest): Promise<void> {
    const candidates = basicCredentials(request.headers.authorization);
    if (!candidates.some(({ id, secret }) => introspection.checkClient(id, secret))) {
      throw new AuthError('invalid_client', 'Authenticate with the client id and secret of INTROSPECTION_CLIENTS, as HTTP Basic.');
    }
  }

  app.post<{ Body: IntrospectForm | undefined }>('/oauth/introspect', {
    onRequest: [noStore, requireClient],
    preValidation: requireForm,
    errorHandler: oauthErrorHandler,
    schema: {
      tags: ['oauth2'],
      summary: 'Whether a token is active, and whose (RFC 7662); for resource servers, with HTTP Basic',
      consumes: ['application/x-www-form-urlencoded'],
      // No OpenAPI security scheme: /docs's Authorize dialog is for people (username and password), not resource servers.
      body: {
        type: 'object',
        properties: {
          token: { type: 'string', maxLength: 4096 },
          token_type_hint: { type: 'string', maxLength: 64, description: 'access_token or refresh_token: which kind to try first' },
        },
      },
      response: {
        200: answerSchema,
        '4xx': { ...oauthErrorSchema, description: 'invalid_client (401, no or wrong Basic credentials) or invalid_request' },
        '5xx': { ...oauthErrorSchema, description: 'temporarily_unavailable: a store is down, try again' },
      },
    },
  }, async (request) => {
    const body = request.body ?? {};
    if (body.token === undefined) throw new AuthError('validation_failed', 'token is required (RFC 7662 §2.1).');
    return introspection.introspect({ token: body.token, hint: body.token_type_hint });
  });
}
