// How a session was authenticated: the RFC 8176 authentication method references (`amr`) and the
// moment the user last proved who they are (`auth_time`, OpenID Connect Core §2). Sessions store
// both, access tokens carry them, a refresh keeps them; re-authentication renews `auth_time`.

/** RFC 8176 §2 values Gatehouse uses: password, one-time code, hardware/software key, email link, federation, multi-factor. */
export const AUTH_METHODS = ['pwd', 'otp', 'hwk', 'swk', 'email', 'fed', 'user', 'mfa'] as const;
export type AuthMethod = typeof AUTH_METHODS[number];

export interface SessionAuth {
  amr: readonly AuthMethod[];
  authTime: Date;
}

/**
 * The methods of `earlier` and `added`, once each, in a stable order; `mfa` (RFC 8176: "multiple
 * factors") joins as soon as two distinct factors are present, or stays once it is there.
 */
export function combineAmr(earlier: readonly string[], added: readonly string[]): AuthMethod[] {
  const present = new Set([...earlier, ...added]);
  const factors = ['pwd', 'otp', 'hwk', 'swk', 'email', 'fed'].filter((method) => present.has(method));
  if (factors.length >= 2) present.add('mfa');
  return AUTH_METHODS.filter((method) => present.has(method));
}

/** Stored text → methods: space-separated as OAuth scopes are; unknown words are dropped. */
export function parseAmr(text: string | null | undefined): AuthMethod[] {
  if (!text) return [];
  const words = new Set(text.split(' '));
  return AUTH_METHODS.filter((method) => words.has(method));
}

export const formatAmr = (amr: readonly string[]): string => amr.join(' ');

/** The session's authentication as its access token states it: for a session that replaces it and proves nothing new. */
export function authOfClaims(claims: { amr?: readonly string[]; auth_time?: number }): SessionAuth {
  return { amr: parseAmr((claims.amr ?? []).join(' ')), authTime: new Date((claims.auth_time ?? 0) * 1000) };
}
