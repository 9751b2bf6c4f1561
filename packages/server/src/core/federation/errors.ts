// The error codes of sign-in through other providers (docs/api.md, "Errors"; docs/federation.md):
// merged into the one catalogue in core/errors.ts. The callback answers them as `error=<code>` on
// the app's page; the JSON endpoints as the usual error body.
export const FEDERATION_ERRORS = {
  /** No provider of that id is configured. */
  unknown_provider: 404,
  /** `redirect_to` is not on APP_URL's origin, PUBLIC_URL's or one of REDIRECT_ORIGINS. */
  invalid_redirect: 400,
  /** The callback's `state` is unknown, expired, used already, or was started in another browser. */
  invalid_state: 400,
  /** The person declined at the provider (its `access_denied`). */
  access_denied: 403,
  /** The provider's answer failed a check: its error, the ID token (issuer, audience, signature, expiry, nonce), PKCE. */
  federation_failed: 502,
  /** The provider could not be reached (discovery, token or user endpoint). */
  provider_unavailable: 503,
  /** An account has the provider's email, but the two sides have not both verified it: log in and link instead. */
  account_exists: 409,
  /** FEDERATION_SIGNUP is off and the identity belongs to no account. */
  signup_disabled: 403,
  /** The provider says it has not verified the address (email_verified false): no account is made from it. */
  provider_email_unverified: 403,
  /** The provider gave no email address, which a new account needs. */
  email_required: 400,
  /** The identity is linked to another account. */
  identity_taken: 409,
  /** The exchange code is unknown, expired or used, or was issued for another app's code_challenge; a link code another session's. */
  invalid_code: 400,
  /** A start (or a link's start) without an S256 `code_challenge` of 43 base64url characters (RFC 7636). */
  invalid_code_challenge: 400,
  /** An exchange or a link's completion without a well-formed `code_verifier`, or (a link) with one that does not match. */
  invalid_code_verifier: 400,
  identity_not_found: 404,
  /** Unlinking would leave the account without a way to log in. */
  last_login_method: 409,
} as const;
