// One error type for every failure a caller can cause, each with a stable snake_case `code`.
// The status table lives here so HTTP answers, the OAuth2 mapping and the docs agree
// (docs/architecture.md, "Errors"). Store failures arrive as storage/errors.ts classes.
import { RateLimitedError, SessionUserGoneError, StoreUnavailableError } from '../storage/errors.js';
import { EMAIL_ERROR_STATUS } from './email/errors.js';
import { PASSKEY_ERRORS } from './passkeys/errors.js';
import { FEDERATION_ERRORS } from './federation/errors.js';
import { LOGIN_ERROR_STATUS } from './login/errors.js';
import { IMPORT_ERROR_STATUS } from './import/errors.js';
import { WEBHOOK_ERRORS } from './webhooks/errors.js';
import { OIDC_ERRORS } from './oidc/errors.js';
import { OIDC_PROVIDER_ERRORS } from './oidc/provider-errors.js';

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_username: 400,
  invalid_email: 400,
  password_too_short: 400,
  password_too_long: 400,
  password_too_common: 400,
  password_breached: 400,
  password_contains_identity: 400,
  unknown_role: 400,
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
  invalid_client: 401,
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
  /** The hash queue is full, or full for the caller's address: shed with Retry-After (docs/hardening.md). */
  overloaded: 503,
  /** A page form without this browser's CSRF token (http/pages/csrf.ts). */
  csrf_failed: 403,
  ...EMAIL_ERROR_STATUS,
  ...PASSKEY_ERRORS,
  ...FEDERATION_ERRORS,
  ...LOGIN_ERROR_STATUS,
  ...IMPORT_ERROR_STATUS,
  ...WEBHOOK_ERRORS,
  ...OIDC_ERRORS,
  ...OIDC_PROVIDER_ERRORS,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** Seconds a client should wait, for `rate_limited` and `overloaded`. */
  readonly retryAfterSeconds?: number;
  /** Fields the answer carries besides the error's own (mfa_required: mfa_token and factors). */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode, message: string,
    options?: { retryAfterSeconds?: number; cause?: unknown; details?: Readonly<Record<string, unknown>> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.details = options?.details;
  }
}

/** The AuthError a failure answers as: store failures map onto their codes; anything else is undefined. */
export function authErrorOf(error: unknown): AuthError | undefined {
  if (error instanceof AuthError) return error;
  if (error instanceof StoreUnavailableError) return new AuthError('store_unavailable', error.message, { cause: error.cause });
  // a login racing the account's deletion: answered as a login of an account that does not exist
  if (error instanceof SessionUserGoneError) return new AuthError('invalid_credentials', 'Incorrect username, email or password.');
  if (error instanceof RateLimitedError) return new AuthError('rate_limited', error.message, { retryAfterSeconds: error.retryAfterSeconds });
  return undefined;
}
