// The reissue protocol of design §5: the expired access token and the refresh token come
// together, must name the same user and session, and one compare-and-swap on the session store
// decides between rotate, grace replay and reuse (which revokes the whole session).
import { AuthError } from './errors.js';
import { hashToken, sameHash, signTokenPair, type TokenPair } from './token-pair.js';
import type { AuthDeps, RequestContext } from './service.js';
import type { SessionRecord, UserRecord } from '../storage/types.js';

/** Rotation attempts before giving up; a lost compare-and-swap re-reads the session once. */
const MAX_ATTEMPTS = 3;

export function createRefresher(deps: AuthDeps) {
  const { users, sessions, tokens, limits, clock, settings } = deps;

  /** Steps 1 and 2: both signatures, the access token allowed to be expired, the same IDs. */
  async function readTokenPair(accessToken: string | undefined, refreshToken: string) {
    const nowMs = clock.now();
    const refresh = await tokens.verifyRefreshToken(refreshToken, { nowMs });
    if (accessToken === undefined) {
      if (settings.refreshRequiresAccessToken) throw new AuthError('missing_token', 'The access token must come with the refresh token.');
      return { userId: refresh.sub, sessionId: refresh.sid };
    }
    const access = await tokens.verifyAccessToken(accessToken, { nowMs, allowExpiredSeconds: settings.refreshTokenTtlSeconds });
    if (access.sub !== refresh.sub || access.sid !== refresh.sid) {
      throw new AuthError('token_mismatch', 'The access token and the refresh token belong to different sessions.');
    }
    return { userId: refresh.sub, sessionId: refresh.sid };
  }

  /** Step 4: the user must still exist and be active, else the session goes. */
  async function requireActiveUser(userId: string, sessionId: string, ctx: RequestContext): Promise<UserRecord> {
    const user = await users.findById(userId);
    if (user && !user.disabled) return user;
    await sessions.revoke(userId, sessionId, new Date(clock.now()));
    deps.onSecurityEvent?.({ event: 'session_revoked_inactive_user', userId, sessionId, ip: ctx.ip });
    throw user ? new AuthError('user_disabled', 'This account is disabled.') : new AuthError('session_revoked', 'This session has ended.');
  }

  async function loadSession(sessionId: string, userId: string): Promise<SessionRecord> {
    const session = await sessions.findById(userId, sessionId);
    if (!session || session.revokedAt) {
      throw new AuthError('session_revoked', 'This session has been logged out or revoked.');
    }
    return session;
  }

  /** Step 3, current token: mint the successor and swap it in, if nobody beat us to it. */
  async function rotate(user: UserRecord, session: SessionRecord, presentedHash: string): Promise<TokenPair | null> {
    const rotatedAt = new Date(clock.now());
    const next = { ...session, generation: session.generation + 1, rotatedAt };
    const signed = await signTokenPair(tokens, settings, user, next, clock.now());
    const swapped = await sessions.rotate(session.userId, session.id, presentedHash, {
      currentHash: signed.refreshHash, previousHash: presentedHash, generation: next.generation,
      rotatedAt, expiresAt: signed.refreshExpiresAt, lastUsedAt: rotatedAt,
    });
    return swapped ? signed.pair : null;
  }

  /** Step 3, previous token inside the grace window: the successor pair, minted again identically. */
  async function replaySuccessor(user: UserRecord, session: SessionRecord): Promise<TokenPair> {
    const signed = await signTokenPair(tokens, settings, user, session, clock.now());
    if (!sameHash(signed.refreshHash, session.currentHash)) {
      throw new AuthError('invalid_refresh_token', 'The refresh token can no longer be replayed.');
    }
    return signed.pair;
  }

  return async function refresh(input: { accessToken?: string; refreshToken: string }, ctx: RequestContext): Promise<TokenPair> {
    await limits.consume('refreshPerIp', ctx.ip);
    const { userId, sessionId } = await readTokenPair(input.accessToken, input.refreshToken);
    await limits.consume('refreshPerAccount', userId);
    const presentedHash = hashToken(input.refreshToken);
    const user = await requireActiveUser(userId, sessionId, ctx);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const session = await loadSession(sessionId, userId);
      if (sameHash(presentedHash, session.currentHash)) {
        const pair = await rotate(user, session, presentedHash);
        if (pair) return pair;
        continue; // a concurrent refresh rotated first: re-read and take the grace path
      }
      const withinGrace = clock.now() - session.rotatedAt.getTime() <= settings.refreshGraceSeconds * 1000;
      if (sameHash(presentedHash, session.previousHash) && withinGrace) return replaySuccessor(user, session);
      await sessions.revoke(userId, sessionId, new Date(clock.now()));
      deps.onSecurityEvent?.({ event: 'refresh_token_reused', userId, sessionId, ip: ctx.ip });
      throw new AuthError('refresh_token_reused', 'This refresh token was already used; the session has been revoked.');
    }
    throw new AuthError('store_unavailable', 'The session kept changing under this refresh; try again.');
  };
}
