// One error type for every failure a caller can cause, each with a stable snake_case `code`.
// The status table lives here so HTTP answers, the OAuth2 mapping and the docs agree (design §7).

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_username: 400,
  invalid_email: 400,
  password_too_short: 400,
  password_too_long: 400,
  password_too_common: 400,
  password_breached: 400,
  password_contains_identity: 400,
  unsupported_grant_type: 400,
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  invalid_credentials: 401,
  invalid_refresh_token: 401,
  refresh_token_expired: 401,
  refresh_token_reused: 401,
  token_mismatch: 401,
  invalid_current_password: 403,
  user_disabled: 403,
  insufficient_role: 403,
  not_found: 404,
  session_not_found: 404,
  user_not_found: 404,
  method_not_allowed: 405,
  username_taken: 409,
  email_taken: 409,
  last_admin: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** Seconds a client should wait, for `rate_limited`. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}

/** A store that cannot be reached: always `503 store_unavailable`, never the driver's message. */
export class StoreUnavailableError extends AuthError {
  constructor(cause: unknown) {
    super('store_unavailable', 'The storage backend is unavailable; try again shortly.', { cause });
  }
}
