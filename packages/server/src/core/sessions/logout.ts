// Logout: this session ("local"), the user's other sessions ("others") or all of them ("global").
// Ending others is a remedy: it also cancels a pending address change and removes the ways in added
// since the owner's previous proven sign-in (docs/architecture.md, "Changing a way in").
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import { refreshTokenStanding } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';
import { ownApiToken, type Authenticator } from './authenticate.js';
import type { OneTimeTokenStore } from '../../storage/types/one-time-tokens.js';
import type { RemoveUnprovenWays } from '../accounts/unproven-ways.js';

export type LogoutScope = 'local' | 'others' | 'global';

export interface LogoutRequest {
  accessToken?: string;
  refreshToken?: string;
  scope: LogoutScope;
}

/**
 * Ending the other sessions is a remedy that also removes ways in: a relying party's token (its
 * session was opened for a client: docs/architecture.md, "OpenID Connect tokens and consent") may
 * end its own session, never the user's others.
 */
const relyingPartyToken = () =>
  new AuthError('invalid_token', 'This token was issued to an OpenID Connect client: it may end its own session only (scope=local).');

export function createLogout(
  deps: Pick<CoreDeps, 'tokens' | 'sessions' | 'fingerprint' | 'clock' | 'audit'> & {
    authenticate: Authenticator['authenticate'];
    refreshGraceSeconds: number;
    oneTimeTokens: Pick<OneTimeTokenStore, 'deleteForUser'>;
    removeUnproven: RemoveUnprovenWays;
  },
) {
  const { tokens, sessions, fingerprint, clock, audit } = deps;

  /**
   * Who asks to log out. "local" stays idempotent: a token whose session is already gone may
   * still end it. Ending other sessions needs a live session, so an old token from a logged-out
   * device cannot log everyone out.
   */
  async function caller(input: LogoutRequest, ctx: RequestContext | undefined) {
    const nowMs = clock.now();
    const local = input.scope === 'local';
    if (input.accessToken) {
      if (local) return tokens.verifyAccessToken(input.accessToken, { nowMs });
      return ownApiToken(await deps.authenticate(input.accessToken)).claims;
    }
    if (!input.refreshToken) throw new AuthError('missing_token', 'Send the access token as a bearer token, or the refresh token.');
    const claims = await tokens.verifyRefreshToken(input.refreshToken, { nowMs });
    if (local) return claims;
    const session = await sessions.findById(claims.sub, claims.sid);
    if (session?.client) throw relyingPartyToken();
    const presented = { hash: hashToken(input.refreshToken), fingerprint: ctx ? fingerprint(ctx) : null };
    // the token must be the session's current one, or the previous one inside the grace window in its rotator's hands
    if (!session || session.revokedAt || refreshTokenStanding(session, presented, nowMs, deps.refreshGraceSeconds) === 'stale') {
      throw new AuthError('session_revoked', 'This session has been logged out.');
    }
    return claims;
  }

  return async function logout(input: LogoutRequest, ctx?: RequestContext): Promise<void> {
    const who = await caller(input, ctx);
    const now = new Date(clock.now());
    let revokedSessions: number | undefined;
    if (input.scope === 'global') revokedSessions = await sessions.revokeAllForUser(who.sub, now);
    else if (input.scope === 'others') revokedSessions = await sessions.revokeAllForUser(who.sub, now, who.sid);
    else await sessions.revoke(who.sub, who.sid, now);
    if (input.scope !== 'local') {
      await deps.oneTimeTokens.deleteForUser(who.sub, 'change_email');
      // and the ways in added since the owner's sign-in before this one (core/accounts/unproven-ways.ts);
      // a refresh token carries no auth_time: then since the last proven sign-in
      const authTime = 'auth_time' in who ? who.auth_time : undefined;
      await deps.removeUnproven(who.sub, typeof authTime === 'number' ? { signedInAt: new Date(authTime * 1000) } : 'proven', ctx);
    }
    audit({ type: 'logout', scope: input.scope, revokedSessions, userId: who.sub, sessionId: who.sid, ...auditOrigin(ctx) });
  };
}
