// grant_type=refresh_token (RFC 6749 §6) with the pairing of docs/architecture.md, "Refresh": the
// access token comes from `Authorization: Bearer` or an `access_token` field, unless the pairing is
// relaxed by setting. The refresh token is judged first: an invalid one is `invalid_grant` whether
// or not an access token came with it; a valid one alone is `invalid_request` (missing_token).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../../../../core/errors.js';
import type { TokenPair } from '../../../../core/tokens/token-pair.js';
import { readBearerToken } from '../../../auth-guard.js';
import { requestContext } from '../../../http.js';
import type { TokenForm } from '../token.js';

export async function refreshTokenGrant(app: FastifyInstance, request: FastifyRequest, form: TokenForm): Promise<TokenPair> {
  if (!form.refresh_token) throw new AuthError('validation_failed', 'The refresh_token grant needs refresh_token.');
  const accessToken = form.access_token || readBearerToken(request);
  return app.auth.refresh({ accessToken, refreshToken: form.refresh_token }, requestContext(request));
}
