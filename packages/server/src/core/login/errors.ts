// The error codes of logins (docs/architecture.md, "Login"), second factors, TOTP and re-authentication,
// spread into core/errors.ts's one catalogue. Every one is in docs/api.md's error table.
export const LOGIN_ERROR_STATUS = {
  /** The first factor passed; the body carries mfa_token and factors for POST /auth/mfa/verify. */
  mfa_required: 403,
  /** The account's credentials changed (a reset, a password change) while the login was under way: its session was ended. */
  credentials_changed: 401,
  /** Unknown, already used or abandoned mfa_token. */
  invalid_mfa_token: 401,
  mfa_token_expired: 401,
  /** The challenge had its 5 attempts: log in again. */
  mfa_attempts_exceeded: 401,
  /** 403, not 401: on an authenticated endpoint a 401 would read as a dead access token. */
  invalid_mfa_code: 403,
  /** A right TOTP code whose 30-second step was used already (RFC 6238 §5.2): wait for the next one. */
  totp_code_used: 403,
  factor_not_enrolled: 400,
  reauthentication_required: 403,
  /** The sign-in is recent but does not cover the account's second factor or passkey (docs/architecture.md, "Changing a way in"). */
  stronger_reauthentication_required: 403,
  /** The factor offered was set up after the session signed in: it cannot vouch for that session (sign in again). */
  factor_too_new: 403,
  totp_already_enrolled: 409,
  totp_not_enrolled: 404,
} as const;
