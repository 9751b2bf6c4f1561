// The passkey error codes (docs/api.md, "Errors"), merged into core/errors.ts's catalogue. A
// ceremony that fails says which step failed, never the library's text.
export const PASSKEY_ERRORS = {
  /** The challenge in the response is unknown, used already, of the other ceremony or expired. */
  passkey_challenge_invalid: 400,
  /** The registration response does not verify (origin, RP id, type, user verification, format). */
  passkey_registration_failed: 400,
  /** The credential is registered already (excludeCredentials should have stopped the browser). */
  passkey_already_registered: 409,
  /** A user holds as many passkeys as allowed. */
  passkey_limit_reached: 409,
  passkey_not_found: 404,
  /** No passkey of that credential id, or not one of the user the ceremony was for. */
  passkey_unknown_credential: 401,
  /** The assertion does not verify (signature, origin, RP id, type, user verification). */
  passkey_authentication_failed: 401,
  /** The signature counter did not grow: a cloned authenticator (WebAuthn §6.1.1). */
  passkey_cloned: 401,
} as const;
