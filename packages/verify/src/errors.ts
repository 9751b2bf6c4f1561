// Typed errors of @gatehouse-auth/verify, with the same snake_case codes and statuses as the
// Gatehouse server (docs/architecture.md, "Errors"), so a service can `switch (error.code)` and
// answer like the server does.

export const VERIFY_ERROR_STATUS = {
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  insufficient_role: 403,
  /** requireMfa: the token's amr lacks `mfa` (RFC 8176): the user signed in with one factor. */
  mfa_required: 403,
  /** requireRecentAuth(seconds): the token's auth_time is older, or absent. */
  reauthentication_required: 403,
  /** The Redis session check could not be made: fail closed. */
  store_unavailable: 503,
  /** The JWKS could not be fetched (network, timeout, not 200): fail closed. */
  key_source_unavailable: 503,
  /** The introspection session check got no answer (network, timeout, credentials refused, not 200): fail closed. */
  introspection_unavailable: 503,
} as const;

export type VerifyErrorCode = keyof typeof VERIFY_ERROR_STATUS;

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  readonly statusCode: number;

  constructor(code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifyError';
    this.code = code;
    this.statusCode = VERIFY_ERROR_STATUS[code];
  }
}

export function isVerifyError(error: unknown): error is VerifyError {
  return error instanceof VerifyError;
}
