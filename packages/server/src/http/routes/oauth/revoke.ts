// POST /oauth/revoke (RFC 7009): a refresh token or an access token ends its session; always 200,
// also for a token that is invalid or unknown (§2.2). Holding the token is the proof, as for POST
// /auth/logout: Gatehouse issues tokens to public clients (RFC 6749 §2.1) that hold no secret. While
// the OpenID Connect provider is on, credentials naming one of its registered clients (Basic,
// client_secret_post, or a public client's client_id) are checked by its registered method, and
// wrong ones are 401 invalid_client (§2.1); any other client_id or Basic credentials are ignored.
// A registered client revokes only its own tokens: any other is 400 invalid_grant (core/oauth/revoke.ts).
import type { FastifyInstance } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import type { TokenRevocation } from '../../../core/oauth/revoke.js';
import { noStore, requestContext } from '../../http.js';
import { oauthErrorHandler, oauthErrorSchema, requireForm } from '../../oauth-errors.js';
import { authenticateClient, type PresentedClient } from '../../../core/oidc/authenticate-client.js';
import type { ClientRegistry } from '../../../core/oidc/client-registry.js';
import { presentedClient } from './client-auth.js';

interface RevokeForm {
  token?: string;
  token_type_hint?: string;
  client_id?: string;
  client_secret?: string;
}

/** Checks presented credentials only when they name a registered client (whose id it answers); others are ignored as before. */
async function registeredClient(clients: Pick<ClientRegistry, 'authenticate' | 'find'>, presented: PresentedClient): Promise<string | undefined> {
  if (presented.kind === 'none') return undefined;
  const ids = presented.kind === 'public' ? [presented.clientId] : presented.candidates.map((c) => c.clientId);
  const known = await Promise.all(ids.map((id) => clients.find(id).then(() => true, () => false)));
  if (!known.some(Boolean)) return undefined;
  return (await authenticateClient(clients, presented))?.clientId;
}

export function revokeRoute(app: FastifyInstance, revoke: TokenRevocation, clients?: Pick<ClientRegistry, 'authenticate' | 'find'>): void {
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
          client_id: { type: 'string', maxLength: 255, description: 'A registered client\'s id (checked by its method); any other is ignored' },
          client_secret: { type: 'string', maxLength: 4096, description: 'client_secret_post' },
        },
      },
      response: {
        200: { type: 'null', description: 'Revoked, or nothing to revoke (an invalid or unknown token)' },
        '4xx': { ...oauthErrorSchema, description: 'OAuth2 error (RFC 6749 §5.2): invalid_request (no token, not a form); invalid_grant (a registered client\'s revoking a token not issued to it); invalid_client' },
        '5xx': { ...oauthErrorSchema, description: 'temporarily_unavailable: the session store is down, try again' },
      },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    if (!body.token) throw new AuthError('validation_failed', 'token is required (RFC 7009 §2.1).');
    const clientId = clients ? await registeredClient(clients, presentedClient(request, body)) : undefined;
    await revoke({ token: body.token, hint: body.token_type_hint, clientId }, requestContext(request));
    return reply.status(200).send();
  });
}
