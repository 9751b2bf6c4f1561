// grant_type=refresh_token (RFC 6749 §6). The refresh token alone is enough by default, as RFC 6749
// clients send it; TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN=true asks for the pairing of
// docs/architecture.md, "Refresh", as POST /auth/refresh always does. An access token that comes
// along (`Authorization: Bearer` or an `access_token` field) must match the refresh token either way.
// `Authorization: Basic` is a client authenticating (RFC 6749 §2.3.1), not an access token: it is
// ignored here, as on the password grant (a client-bound refresh token comes with the OpenID Connect provider).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../../../../core/errors.js';
import type { TokenPair } from '../../../../core/tokens/token-pair.js';
import { readBearerToken } from '../../../auth-guard.js';
import { requestContext } from '../../../http.js';
import type { TokenForm } from '../token.js';

export async function refreshTokenGrant(app: FastifyInstance, request: FastifyRequest, form: TokenForm): Promise<TokenPair> {
  if (!form.refresh_token) throw new AuthError('validation_failed', 'The refresh_token grant needs refresh_token.');
  const accessToken = form.access_token || bearerToken(request);
  if (!accessToken && app.config.tokenRefreshRequiresAccessToken) {
    throw new AuthError('validation_failed', 'Send the access token too, as a bearer token or an access_token field.');
  }
  return app.auth.refresh({ accessToken, refreshToken: form.refresh_token }, requestContext(request));
}

function bearerToken(request: FastifyRequest): string | undefined {
  return /^basic /i.test(request.headers.authorization ?? '') ? undefined : readBearerToken(request) || undefined;
}
