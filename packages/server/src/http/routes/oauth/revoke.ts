// POST /oauth/revoke (RFC 7009): a refresh token or an access token ends its session; always 200,
// also for a token that is invalid or unknown (§2.2). No client authentication: Gatehouse issues
// tokens to public clients (RFC 6749 §2.1) that hold no secret, so holding the token is the proof,
// as for POST /auth/logout; a client_id or Basic credentials that come along are ignored.
import type { FastifyInstance } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import type { TokenRevocation } from '../../../core/oauth/revoke.js';
import { noStore, requestContext } from '../../http.js';
import { oauthErrorHandler, oauthErrorSchema, requireForm } from '../../oauth-errors.js';

interface RevokeForm {
  token?: string;
  token_type_hint?: string;
  client_id?: string;
}

export function revokeRoute(app: FastifyInstance, revoke: TokenRevocation): void {
  app.post<{ Body: RevokeForm | undefined }>('/oauth/revoke', {
    onRequest: noStore,
    preValidation: requireForm,
    errorHandler: oauthErrorHandler,
    schema: {
      tags: ['oauth2'],
      summary: 'Revoke a refresh or access token: its session ends (RFC 7009)',
      consumes: ['application/x-www-form-urlencoded'],
      body: {
        type: 'object',
        properties: {
          token: { type: 'string', maxLength: 4096 },
          token_type_hint: { type: 'string', maxLength: 64, description: 'refresh_token or access_token: which kind to try first' },
          client_id: { type: 'string', maxLength: 255, description: 'Accepted and ignored: no client authentication' },
        },
      },
      response: {
        200: { type: 'null', description: 'Revoked, or nothing to revoke (an invalid or unknown token)' },
        '4xx': { ...oauthErrorSchema, description: 'OAuth2 error (RFC 6749 §5.2): invalid_request (no token, not a form)' },
        '5xx': { ...oauthErrorSchema, description: 'temporarily_unavailable: the session store is down, try again' },
      },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    if (!body.token) throw new AuthError('validation_failed', 'token is required (RFC 7009 §2.1).');
    await revoke({ token: body.token, hint: body.token_type_hint }, requestContext(request));
    return reply.status(200).send();
  });
}
