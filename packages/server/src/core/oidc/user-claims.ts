// The claims about a user that a relying party receives, by the scope it was granted (OpenID
// Connect Core §5.4): `email` gives email and email_verified, `profile` gives name and
// preferred_username. The ID token (id-token.ts) and the userinfo endpoint answer the same.
import type { UserRecord } from '../../storage/types/stores.js';

export interface ScopedClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

/** The claims of OpenID Connect Core §5.1 this provider knows, for discovery's claims_supported. */
export const SCOPED_CLAIM_NAMES = ['email', 'email_verified', 'name', 'preferred_username'] as const;

export function scopedClaims(user: Pick<UserRecord, 'email' | 'emailVerified' | 'fullName' | 'username'>, scopes: readonly string[]): ScopedClaims {
  const claims: ScopedClaims = {};
  if (scopes.includes('email')) Object.assign(claims, { email: user.email, email_verified: user.emailVerified });
  if (scopes.includes('profile')) Object.assign(claims, { name: user.fullName ?? user.username, preferred_username: user.username });
  return claims;
}
