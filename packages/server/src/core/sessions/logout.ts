// Logout: this session ("local"), the user's other sessions ("others") or all of them ("global").
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import { refreshTokenStanding } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';
import type { Authenticator } from './authenticate.js';

export type LogoutScope = 'local' | 'others' | 'global';

export interface LogoutRequest {
  accessToken?: string;
  refreshToken?: string;
  scope: LogoutScope;
}

export function createLogout(
  deps: Pick<CoreDeps, 'tokens' | 'sessions' | 'fingerprint' | 'clock' | 'audit'> & {
    authenticate: Authenticator['authenticate'];
    refreshGraceSeconds: number;
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
      return local ? tokens.verifyAccessToken(input.accessToken, { nowMs }) : (await deps.authenticate(input.accessToken)).claims;
    }
    if (!input.refreshToken) throw new AuthError('missing_token', 'Send the access token as a bearer token, or the refresh token.');
    const claims = await tokens.verifyRefreshToken(input.refreshToken, { nowMs });
    if (local) return claims;
    const session = await sessions.findById(claims.sub, claims.sid);
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
    audit({ type: 'logout', scope: input.scope, revokedSessions, userId: who.sub, sessionId: who.sid, ...auditOrigin(ctx) });
  };
}
