// The reissue protocol (docs/architecture.md, "Refresh"): the refresh token, with the (expired)
// access token when the endpoint takes it (then both must name the same user and session), and one
// compare-and-swap on the session store decides between rotate, grace replay and reuse (which
// revokes the whole session).
// The rotation records which client made it (fingerprint.ts): only that client gets the grace replay.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason, refreshFailureOutcome, type RefreshOutcome } from '../audit.js';
import {
  refreshTokenStanding, signTokenPair, type PresentedRefreshToken, type TokenLifetimes, type TokenPair,
} from '../tokens/token-pair.js';
import { hashToken, sameHash } from '../tokens/secret-hash.js';
import type { CoreDeps, RequestContext } from '../context.js';
import { sessionAndUserReader } from './session-and-user.js';
import type { SessionRecord, UserRecord } from '../../storage/types/stores.js';

/** Rotation attempts before giving up; a lost compare-and-swap re-reads the session once. */
const MAX_ATTEMPTS = 3;

/** What one refresh learned, for its audit event. */
interface RefreshTrail {
  userId?: string;
  sessionId?: string;
  outcome?: RefreshOutcome;
}

export interface RefreshSettings extends TokenLifetimes {
  /** How long the previous refresh token may still be replayed for the same successor. */
  refreshGraceSeconds: number;
}

/**
 * Whether the access token must come along is each endpoint's rule, not the core's: POST
 * /auth/refresh always requires it (its schema), POST /token when TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN
 * says so. Whenever it does come, it must match the refresh token.
 */
export interface RefreshRequest {
  accessToken: string | undefined;
  refreshToken: string;
  /**
   * The client presenting the token, authenticated by its registered method (POST /token): asked
   * only when the session was opened for a client, which alone may refresh it (docs/architecture.md,
   * "OpenID Connect tokens and consent"). Null or absent: no client authenticated.
   */
  authenticateClient?: () => Promise<{ clientId: string } | null>;
}

/** A client-bound session's pair names the scope granted, as RFC 6749 §5.1 has it. */
export type RefreshedPair = TokenPair & { scope?: string };

export function createRefresher(
  deps: Pick<CoreDeps, 'users' | 'sessions' | 'sessionAndUser' | 'tokens' | 'fingerprint' | 'limits' | 'clock' | 'audit'>,
  settings: RefreshSettings,
) {
  const { sessions, tokens, fingerprint, limits, clock, audit } = deps;
  const readSessionAndUser = sessionAndUserReader(deps);

  /** Steps 1 and 2: both signatures, the access token allowed to be expired, the same IDs; the refresh token alone (RFC 6749 §6) when no access token came. */
  async function readTokenPair(accessToken: string | undefined, refreshToken: string) {
    const nowMs = clock.now();
    const refresh = await tokens.verifyRefreshToken(refreshToken, { nowMs });
    if (accessToken === undefined) return { userId: refresh.sub, sessionId: refresh.sid };
    const access = await tokens.verifyAccessToken(accessToken, { nowMs, allowExpiredSeconds: settings.refreshTokenTtlSeconds });
    if (access.sub !== refresh.sub || access.sid !== refresh.sid) {
      throw new AuthError('token_mismatch', 'The access token and the refresh token belong to different sessions.');
    }
    return { userId: refresh.sub, sessionId: refresh.sid };
  }

  /** Step 4: the user must still exist and be active, else the session goes. */
  async function requireActiveUser(user: UserRecord | null, userId: string, sessionId: string): Promise<UserRecord> {
    if (user && !user.disabled) return user;
    await sessions.revoke(userId, sessionId, new Date(clock.now()));
    throw user ? new AuthError('user_disabled', 'This account is disabled.') : new AuthError('session_revoked', 'This session has ended.');
  }

  function liveSession(session: SessionRecord | null): SessionRecord {
    if (!session || session.revokedAt) {
      throw new AuthError('session_revoked', 'This session has been logged out or revoked.');
    }
    return session;
  }

  /**
   * A session opened for a client is refreshed by that client alone, and only if it was granted
   * offline_access (OpenID Connect Core §11). Refused before any rotation: a wrong presenter neither
   * rotates the session nor counts as reuse, so it cannot end the session either.
   */
  async function checkClient(session: SessionRecord, input: RefreshRequest): Promise<void> {
    if (!session.client) return;
    const client = input.authenticateClient ? await input.authenticateClient() : null;
    if (client?.clientId !== session.client.clientId || !session.client.scopes.includes('offline_access')) {
      throw new AuthError('invalid_refresh_token', 'This refresh token was issued to another client: authenticate as that client.');
    }
  }

  /**
   * Step 3, current token: mint the successor and swap it in, if nobody beat us to it. The client's
   * fingerprint rides in the same write, so binding the grace window costs no store round trip.
   */
  async function rotate(user: UserRecord, session: SessionRecord, presented: PresentedRefreshToken): Promise<TokenPair | null> {
    const rotatedAt = new Date(clock.now());
    const next = { ...session, generation: session.generation + 1, rotatedAt };
    const signed = await signTokenPair(tokens, settings, user, next, clock.now());
    const swapped = await sessions.rotate(session.userId, session.id, presented.hash, {
      currentHash: signed.refreshHash, previousHash: presented.hash, generation: next.generation,
      rotatedAt, rotationFingerprint: presented.fingerprint, expiresAt: signed.refreshExpiresAt, lastUsedAt: rotatedAt,
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

  async function reissue(input: RefreshRequest, ctx: RequestContext, trail: RefreshTrail): Promise<RefreshedPair> {
    await limits.consume('refreshPerIp', ctx.ipKey);
    const { userId, sessionId } = await readTokenPair(input.accessToken, input.refreshToken);
    Object.assign(trail, { userId, sessionId });
    await limits.consume('refreshPerAccount', userId);
    const presented = { hash: hashToken(input.refreshToken), fingerprint: fingerprint(ctx) };
    const first = await readSessionAndUser(userId, sessionId);
    const user = await requireActiveUser(first.user, userId, sessionId);
    await checkClient(liveSession(first.session), input);
    const scoped = (pair: TokenPair): RefreshedPair => (first.session?.client ? { ...pair, scope: first.session.client.scopes.join(' ') } : pair);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const session = liveSession(attempt === 0 ? first.session : await sessions.findById(userId, sessionId));
      const standing = refreshTokenStanding(session, presented, clock.now(), settings.refreshGraceSeconds);
      if (standing === 'current') {
        const pair = await rotate(user, session, presented);
        if (pair) {
          trail.outcome = 'rotated';
          return scoped(pair);
        }
        continue; // a concurrent refresh rotated first: re-read and take the grace path
      }
      if (standing === 'grace') {
        trail.outcome = 'grace_replay';
        return scoped(await replaySuccessor(user, session));
      }
      await sessions.revoke(userId, sessionId, new Date(clock.now()));
      throw new AuthError('refresh_token_reused', 'This refresh token was already used; the session has been revoked.');
    }
    throw new AuthError('store_unavailable', 'The session kept changing under this refresh; try again.');
  }

  /** Every refresh leaves one audit event with its outcome; reuse is the one to alert on. */
  return async function refresh(input: RefreshRequest, ctx: RequestContext): Promise<RefreshedPair> {
    const trail: RefreshTrail = {};
    try {
      const pair = await reissue(input, ctx, trail);
      audit({ type: 'refresh', outcome: trail.outcome ?? 'rotated', userId: trail.userId, sessionId: trail.sessionId, ...auditOrigin(ctx) });
      return pair;
    } catch (error) {
      const outcome = refreshFailureOutcome(error);
      const reason = outcome === 'rejected' ? failureReason(error) : undefined;
      audit({ type: 'refresh', outcome, reason, userId: trail.userId, sessionId: trail.sessionId, ...auditOrigin(ctx) });
      throw error;
    }
  };
}
