// The token pair of a session at one generation. Every claim is a function of the session's
// stored state (id, generation, rotatedAt, createdAt, amr, authTime, client) and the user, and HS256 is deterministic,
// so the pair can be minted again identically: that is how a refresh inside the grace window
// answers "the same successor pair" without storing tokens (docs/architecture.md, "Refresh", step 3).
// Only the refresh token (always HMAC) must come out byte for byte: it is what the stored hash
// checks. Under ES256 (randomised signatures) the replayed access token differs in its signature
// but carries the same claims, so either copy works (test/server/asymmetric-tokens.test.ts).
import { hashToken, sameHash } from './secret-hash.js';
import type { Tokens } from './tokens.js';
import type { SessionRecord, UserRecord } from '../../storage/types/stores.js';

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Absolute cap on a session, however often it is refreshed. */
  sessionMaxAgeSeconds: number;
}

export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}


/** A refresh token as presented: its hash, and the fingerprint of the client presenting it (core/sessions/fingerprint.ts). */
export interface PresentedRefreshToken {
  hash: string;
  /** Null when there is no request to take it from: then no grace replay can match. */
  fingerprint: string | null;
}

/**
 * Where a presented refresh token stands in its session (docs/architecture.md, "Refresh", step 3): the current one,
 * the previous one still inside the grace window and presented by the client that made the rotation, or anything
 * else (reuse). A copy of the previous token in another client's hands is reuse even inside the window: otherwise
 * a thief who sees the victim refresh could collect the victim's new pair (docs/hardening.md, "Stolen token pairs").
 */
export function refreshTokenStanding(
  session: Pick<SessionRecord, 'currentHash' | 'previousHash' | 'rotatedAt' | 'rotationFingerprint'>,
  presented: PresentedRefreshToken, nowMs: number, graceSeconds: number,
): 'current' | 'grace' | 'stale' {
  if (sameHash(presented.hash, session.currentHash)) return 'current';
  const withinGrace = nowMs - session.rotatedAt.getTime() <= graceSeconds * 1000;
  const sameClient = presented.fingerprint !== null && sameHash(presented.fingerprint, session.rotationFingerprint);
  return withinGrace && sameClient && sameHash(presented.hash, session.previousHash) ? 'grace' : 'stale';
}

/** When the refresh token issued at `issuedAtMs` for a session created at `createdAt` expires. */
export function refreshExpiry(issuedAtMs: number, createdAt: Date, lifetimes: TokenLifetimes): Date {
  const iat = Math.floor(issuedAtMs / 1000);
  const capped = Math.min(iat + lifetimes.refreshTokenTtlSeconds, Math.floor(createdAt.getTime() / 1000) + lifetimes.sessionMaxAgeSeconds);
  return new Date(capped * 1000);
}

/** Signs the pair for `session` as it stands (its generation and rotatedAt). */
export async function signTokenPair(
  tokens: Tokens, lifetimes: TokenLifetimes, user: UserRecord,
  session: Pick<SessionRecord, 'id' | 'generation' | 'rotatedAt' | 'createdAt' | 'amr' | 'authTime' | 'client'>, nowMs: number,
): Promise<{ pair: TokenPair; refreshHash: string; refreshExpiresAt: Date }> {
  const iat = Math.floor(session.rotatedAt.getTime() / 1000);
  const refreshExpiresAt = refreshExpiry(session.rotatedAt.getTime(), session.createdAt, lifetimes);
  const refreshExp = Math.floor(refreshExpiresAt.getTime() / 1000);
  // never past the session's end: near its absolute cap the access token is cut short too
  const accessExp = Math.min(iat + lifetimes.accessTokenTtlSeconds, refreshExp);
  const jti = `${session.id}.${session.generation}`;
  const [accessToken, refreshToken] = await Promise.all([
    tokens.signAccessToken({
      sub: user.id, sid: session.id, name: user.username, role: user.role, jti, iat, exp: accessExp,
      amr: [...session.amr], auth_time: Math.floor(session.authTime.getTime() / 1000), email_verified: user.emailVerified,
      ...(session.client ? { client_id: session.client.clientId, scope: session.client.scopes.join(' ') } : {}),
    }),
    tokens.signRefreshToken({ sub: user.id, sid: session.id, jti, iat, exp: refreshExp }),
  ]);
  const nowSeconds = nowMs / 1000;
  return {
    pair: {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: Math.max(0, Math.round(accessExp - nowSeconds)),
      refresh_token: refreshToken,
      refresh_expires_in: Math.max(0, Math.round(refreshExp - nowSeconds)),
    },
    refreshHash: hashToken(refreshToken),
    refreshExpiresAt,
  };
}
