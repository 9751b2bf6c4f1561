// The userinfo answer (OpenID Connect Core §5.3): for an access token a client got with the
// `openid` scope, the user's `sub` and the claims of the scopes granted (user-claims.ts). The token
// is checked as every bearer token is (its session and user live); a token of Gatehouse's own API,
// or a client's without `openid`, is insufficient_scope (RFC 6750 §3.1).
import { AuthError } from '../errors.js';
import type { Authenticated } from '../sessions/authenticate.js';
import { scopedClaims, type ScopedClaims } from './user-claims.js';

export type UserinfoAnswer = { sub: string } & ScopedClaims;

export function userinfoOf({ claims, user }: Authenticated): UserinfoAnswer {
  const scopes = claims.scope?.split(' ') ?? [];
  if (claims.client_id === undefined || !scopes.includes('openid')) {
    throw new AuthError('insufficient_scope', 'This access token was not issued with the openid scope.');
  }
  return { sub: user.id, ...scopedClaims(user, scopes) };
}
