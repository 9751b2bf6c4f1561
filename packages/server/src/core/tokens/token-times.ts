// The time rules of a token, checked against the injected clock, whatever signed it: `nbf` and `exp`
// as jose checks them (whole seconds, with the leeway), past `exp` only on the reissue path; `iat`
// not in the future, and `exp` − `iat` no longer than this server issues, so a token minted with a
// stolen key gets one lifetime at most (RFC 8725 §3.10 on key compromise; docs/hardening.md).
import { AuthError, type ErrorCode } from '../errors.js';
import type { JWTPayload } from 'jose';

export interface TimeRules {
  clockToleranceSeconds: number;
  /** The longest `exp` − `iat` a token may claim; unset: not checked. */
  maxLifetimeSeconds?: number;
  invalid: ErrorCode;
  expired: ErrorCode;
}

export interface TimeOptions {
  nowMs: number;
  /** Accept a token this many seconds past `exp` (the reissue path only, docs/architecture.md, "Refresh", step 1). */
  allowExpiredSeconds?: number;
}

/** `nbf`, `iat` and the lifetime; then `exp`, which alone may be waived on the reissue path. */
export function checkTimes(payload: JWTPayload, rules: TimeRules, options: TimeOptions): JWTPayload {
  const now = Math.floor(options.nowMs / 1000);
  const tolerance = rules.clockToleranceSeconds;
  const { nbf, exp } = payload;
  if ((nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) || typeof exp !== 'number') {
    throw new AuthError(rules.invalid, 'The token is not valid at this time.');
  }
  checkIssuedAt(payload, rules, options);
  if (exp <= now - tolerance) acceptExpired(exp, rules, options);
  return payload;
}

/**
 * `iat` within the leeway of now, and the lifetime within the cap. The reissue path skips the cap:
 * the refresh token it also needs is what authorizes there, and a token issued under a longer
 * ACCESS_TOKEN_TTL (before the setting was lowered) may still be traded for a new pair.
 */
export function checkIssuedAt(payload: JWTPayload, rules: TimeRules, options: TimeOptions): void {
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') return; // required-claim checks name these
  if (iat > options.nowMs / 1000 + rules.clockToleranceSeconds) throw new AuthError(rules.invalid, 'The token was issued in the future.');
  const capped = rules.maxLifetimeSeconds !== undefined && options.allowExpiredSeconds === undefined;
  if (capped && exp - iat > rules.maxLifetimeSeconds!) {
    throw new AuthError(rules.invalid, 'The token claims a longer lifetime than this server issues.');
  }
}

/** An expired token passes only where the caller allows it (docs/architecture.md, "Refresh", step 1), for that long. */
export function acceptExpired(exp: number, rules: TimeRules, options: TimeOptions): void {
  const overdueSeconds = options.nowMs / 1000 - exp - rules.clockToleranceSeconds;
  if (options.allowExpiredSeconds !== undefined && overdueSeconds < options.allowExpiredSeconds) return;
  throw new AuthError(rules.expired, 'The token has expired.');
}
