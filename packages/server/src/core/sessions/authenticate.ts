// Who sends this access token: its signature and claims (verified once, then cached until exp or
// until its key leaves the key set), and on every request its session and user, so a logout or a
// disabled account is felt at once.
// the cache alone, not the package's entry point: that loads jose and the adapters (≈ 11 MB idle)
import { VerifiedTokenCache } from '@gatehouse-auth/verify/token-cache';
import { AuthError } from '../errors.js';
import type { CoreDeps } from '../context.js';
import type { AccessTokenClaims } from '../tokens/tokens.js';
import { sessionAndUserReader } from './session-and-user.js';
import type { SessionRecord, UserRecord } from '../../storage/types/stores.js';

export interface Authenticated {
  user: UserRecord;
  claims: AccessTokenClaims;
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

export function createAuthenticator(deps: Pick<CoreDeps, 'tokens' | 'users' | 'sessions' | 'sessionAndUser' | 'clock'>) {
  const { tokens, users, sessions, clock } = deps;
  const readSessionAndUser = sessionAndUserReader(deps);
  // Under an asymmetric JWT_ALG a hit also compares the ring's generation: one call and a number.
  const verified = new VerifiedTokenCache<AccessTokenClaims>(undefined, tokens.accessKeys);

  async function verifyAccess(accessToken: string): Promise<AccessTokenClaims> {
    const nowMs = clock.now();
    let claims = verified.get(accessToken, nowMs);
    if (!claims) {
      claims = await tokens.verifyAccessToken(accessToken, { nowMs });
      verified.set(accessToken, claims);
    }
    return claims;
  }

  async function authenticate(accessToken: string): Promise<Authenticated> {
    const claims = await verifyAccess(accessToken);
    const { session, user } = await readSessionAndUser(claims.sub, claims.sid);
    return admit(claims, session, user);
  }

  /**
   * authenticate at once, without a promise, when all it needs is in memory: the token verified
   * before, and its session and user held by the stores (SQLite's row cache); undefined otherwise.
   * The same checks, on the same rows findById would read.
   */
  function authenticateNow(accessToken: string): Authenticated | undefined {
    const claims = verified.get(accessToken, clock.now());
    if (!claims) return undefined;
    const session = sessions.cachedById?.(claims.sub, claims.sid);
    if (session === undefined) return undefined;
    const user = users.cachedById?.(claims.sub);
    return user === undefined ? undefined : admit(claims, session, user);
  }

  return { authenticate, authenticateNow };
}

function admit(claims: AccessTokenClaims, session: SessionRecord | null, user: UserRecord | null): Authenticated {
  if (!session || session.revokedAt) {
    throw new AuthError('session_revoked', 'This session has been logged out.');
  }
  if (!user) throw new AuthError('invalid_token', 'The user of this token no longer exists.');
  if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
  return { user, claims };
}

/**
 * A relying party's access token (it carries `client_id`: docs/architecture.md, "OpenID Connect
 * tokens and consent") is for that party's own services and /oauth/userinfo, not for Gatehouse's
 * account API: an app a user signed into must not read or change the user's Gatehouse account with
 * the token it was given. The auth guard and logout beyond this session both ask it.
 */
export function ownApiToken<T extends Pick<Authenticated, 'claims'>>(authenticated: T): T {
  if (authenticated.claims.client_id !== undefined) {
    throw new AuthError('invalid_token', 'This access token was issued to an OpenID Connect client: Gatehouse\'s own API does not take it.');
  }
  return authenticated;
}
