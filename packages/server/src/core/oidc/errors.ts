// The error codes of the OpenID Connect provider's client registry, merged into core/errors.ts.
// invalid_redirect_uri and invalid_client_metadata are RFC 7591 §3.2.2's names.
export const OIDC_ERRORS = {
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  /** RFC 6749 §5.2: the client may not use this grant. */
  unauthorized_client: 400,
  /** RFC 6749 §5.2: a scope value the client did not register. */
  invalid_scope: 400,
  /** RFC 6749 §5.2: an authorization code that is invalid, expired, spent, or not this client's or redirect_uri's, or a PKCE verifier that does not match. */
  invalid_grant: 400,
  client_not_found: 404,
  client_id_taken: 409,
  /** The client is declared in OIDC_CLIENTS: it changes there, not through the API. */
  client_declared_in_settings: 409,
} as const;
