// The stored token pair and what the client reads from it. The access token's claims are decoded
// WITHOUT verifying the signature: the client only needs `exp` to know when to refresh; the server
// verifies every token it receives.

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Server clock minus client clock when the pair arrived, so a skewed device refreshes on time. */
  serverOffsetMs: number;
}

export interface AccessClaims {
  sub: string;
  sid?: string;
  name?: string;
  role?: string;
  iat?: number;
  exp?: number;
  [claim: string]: unknown;
}

export interface SessionInfo {
  accessToken: string;
  /** When the access token expires, on the client's clock. */
  expiresAt: Date;
  claims: AccessClaims;
}

/** The token pair the server answers (docs/api.md, "Tokens and keys"). */
export interface TokenPairBody {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

const SKEW_NOISE_MS = 2000;

/** The payload of a JWT, or null when it is not one. */
export function decodeClaims(token: string): AccessClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === 'object' ? (claims as AccessClaims) : null;
  } catch {
    return null;
  }
}

export function toStoredTokens(pair: TokenPairBody, nowMs: number): StoredTokens {
  const exp = decodeClaims(pair.access_token)?.exp;
  // The server computed expires_in = exp − its now, so its now ≈ exp − expires_in. expires_in is
  // rounded to whole seconds, so a smaller difference than the noise is no skew.
  const offsetMs = typeof exp === 'number' ? (exp - pair.expires_in) * 1000 - nowMs : 0;
  const serverOffsetMs = Math.abs(offsetMs) < SKEW_NOISE_MS ? 0 : offsetMs;
  return { accessToken: pair.access_token, refreshToken: pair.refresh_token, serverOffsetMs };
}

export function sessionInfo(tokens: StoredTokens): SessionInfo {
  const claims = decodeClaims(tokens.accessToken) ?? { sub: '' };
  const expMs = typeof claims.exp === 'number' ? claims.exp * 1000 - tokens.serverOffsetMs : Number.POSITIVE_INFINITY;
  return { accessToken: tokens.accessToken, expiresAt: new Date(expMs), claims };
}

/**
 * True when the access token expires within the leeway. The leeway is capped at a quarter of the
 * token's lifetime, so a short-lived token is still used for a while after it arrives (its `iat`
 * is in whole seconds, so it may arrive with up to a second of its life gone).
 */
export function needsRefresh(tokens: StoredTokens, nowMs: number, leewaySeconds: number): boolean {
  const { expiresAt, claims } = sessionInfo(tokens);
  if (!Number.isFinite(expiresAt.getTime())) return false; // no exp: the server's 401 will tell
  const lifetimeSeconds = typeof claims.iat === 'number' && typeof claims.exp === 'number' ? claims.exp - claims.iat : leewaySeconds * 2;
  const leewayMs = Math.min(leewaySeconds, lifetimeSeconds / 4) * 1000;
  return nowMs >= expiresAt.getTime() - leewayMs;
}
