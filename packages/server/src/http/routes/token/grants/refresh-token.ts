// grant_type=refresh_token (RFC 6749 §6). The refresh token alone is enough by default, as RFC 6749
// clients send it; TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN=true asks for the pairing of
// docs/architecture.md, "Refresh", as POST /auth/refresh always does. An access token that comes
// along (`Authorization: Bearer` or an `access_token` field) must match the refresh token either way.
// `Authorization: Basic` is a client authenticating (RFC 6749 §2.3.1), not an access token. The
// client's credentials are checked only for a session opened for a client (docs/architecture.md,
// "OpenID Connect tokens and consent"), which that client alone may refresh; for Gatehouse's own sessions they are ignored,
// as on the password grant.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../../../../core/auth-service.js';
import { AuthError } from '../../../../core/errors.js';
import { authenticateClient } from '../../../../core/oidc/authenticate-client.js';
import type { ClientRegistry } from '../../../../core/oidc/client-registry.js';
import type { RefreshedPair } from '../../../../core/sessions/refresh.js';
import { presentedClient } from '../../oauth/client-auth.js';
import { readBearerToken } from '../../../auth-guard.js';
import { requestContext } from '../../../http.js';
import type { TokenForm } from '../token.js';

export function refreshTokenGrant(auth: Pick<AuthService, 'refresh'>, clients: Pick<ClientRegistry, 'authenticate' | 'find'> | undefined) {
  return async (app: FastifyInstance, request: FastifyRequest, form: TokenForm): Promise<RefreshedPair> => {
    if (!form.refresh_token) throw new AuthError('validation_failed', 'The refresh_token grant needs refresh_token.');
    const accessToken = form.access_token || bearerToken(request);
    if (!accessToken && app.config.tokenRefreshRequiresAccessToken) {
      throw new AuthError('validation_failed', 'Send the access token too, as a bearer token or an access_token field.');
    }
    // read now (it may throw validation_failed), checked only if the session is a client's
    const presented = clients ? presentedClient(request, form) : { kind: 'none' as const };
    const authenticate = clients ? () => authenticateClient(clients, presented) : undefined;
    return auth.refresh({ accessToken, refreshToken: form.refresh_token, authenticateClient: authenticate }, requestContext(request));
  };
}

function bearerToken(request: FastifyRequest): string | undefined {
  return /^basic /i.test(request.headers.authorization ?? '') ? undefined : readBearerToken(request) || undefined;
}
