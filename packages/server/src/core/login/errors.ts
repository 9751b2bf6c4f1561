// The error codes of logins with a second factor, of TOTP and of re-authentication
// (docs/architecture.md, "Factors"), spread into core/errors.ts's one catalogue. Every one is in
// docs/api.md's error table.
export const LOGIN_ERROR_STATUS = {
  /** The first factor passed; the body carries mfa_token and factors for POST /auth/mfa/verify. */
  mfa_required: 403,
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
  totp_already_enrolled: 409,
  totp_not_enrolled: 404,
} as const;
