// The error codes of the OpenID Connect provider's user side (userinfo, consent grants), merged
// into core/errors.ts. insufficient_scope is RFC 6750 §3.1's name.
export const OIDC_PROVIDER_ERRORS = {
  /** RFC 6750 §3.1: the access token lacks the scope the endpoint needs (userinfo: openid). */
  insufficient_scope: 403,
  /** No consent of this user to this client (DELETE /users/me/grants/:client_id). */
  grant_not_found: 404,
} as const;
