// What the federation flow needs from a provider, whichever protocol it speaks: the URL to send the
// browser to, and, from the callback, the person it vouches for. oidc-client.ts and github-client.ts
// implement it; provider-errors.ts turns their failures into stable codes.

/** The person a provider vouches for, as its answer (ID token, user API) says. */
export interface ExternalProfile {
  /** Stable for the person at this provider: OIDC `sub`, GitHub's numeric id. */
  subject: string;
  /** Lowercased; null when the provider gave none. */
  email: string | null;
  /** Only true when the provider asserts it verified the address (OIDC `email_verified: true`). */
  emailVerified: boolean;
  /** A username to start from (preferred_username, GitHub login); made valid and unique on sign-up. */
  username: string | null;
  name: string | null;
}

/** The per-redirect values of RFC 7636 (PKCE, S256) and OIDC Core §3.1.2.1 (state, nonce). */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProviderClient {
  /** The provider's authorization URL with state, nonce and the S256 challenge of `codeVerifier`. */
  authorizationUrl(checks: LoginChecks): Promise<URL>;
  /**
   * Redeems the callback (the URL the provider sent the browser to) with the same checks: state,
   * PKCE, and for OIDC the ID token's issuer, audience, signature, expiry and nonce.
   */
  finish(callbackUrl: URL, checks: LoginChecks): Promise<ExternalProfile>;
}

/** An email as the users table keeps it, or null when the claim is not a plausible address. */
export function claimedEmail(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(value)) return null;
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** A text claim, or null. */
export function claimedText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}
