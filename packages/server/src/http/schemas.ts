// JSON schemas shared by the routes: one source for validation, answer serialisation (which
// drops any field not listed, so nothing leaks) and the OpenAPI document.
import { STATUS_CODES } from 'node:http';
import { CONTROL_CHARACTERS } from '../core/accounts/user-rules.js';
import { SECOND_FACTORS } from '../core/login/second-factors.js';

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable snake_case error code' },
    error: { type: 'string' },
    message: { type: 'string' },
    mfa_token: { type: 'string', description: 'Only with code mfa_required: send it to POST /auth/mfa/verify within 5 minutes' },
    factors: { type: 'array', items: { type: 'string', enum: [...SECOND_FACTORS] }, description: 'Only with code mfa_required: the second factors the account has' },
    lines: {
      type: 'array', description: 'Only with code import_invalid: each bad line\'s number and the reason',
      items: { type: 'object', properties: { line: { type: 'integer' }, reason: { type: 'string' } }, required: ['line', 'reason'] },
    },
  },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

export const tokenPairSchema = {
  $id: 'TokenPair',
  type: 'object',
  description: 'A new access token and refresh token',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['bearer'] },
    expires_in: { type: 'integer', description: 'Seconds the access token stays valid' },
    refresh_token: { type: 'string' },
    refresh_expires_in: { type: 'integer', description: 'Seconds the refresh token stays valid' },
  },
  required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_expires_in'],
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  description: 'The user',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
    email_verified: { type: 'boolean', description: 'Whether the owner proved they receive mail at this address' },
    full_name: { type: ['string', 'null'] },
    role: { type: 'string' },
    disabled: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'username', 'email', 'email_verified', 'full_name', 'role', 'disabled', 'created_at'],
} as const;

export const sessionSchema = {
  $id: 'Session',
  type: 'object',
  properties: {
    id: { type: 'string' },
    current: { type: 'boolean', description: 'Whether this is the session of the token that asked' },
    created_at: { type: 'string', format: 'date-time', description: 'When it began, rounded down to the hour' },
    last_used_at: { type: 'string', format: 'date-time', description: 'Its last refresh, rounded down to the hour' },
    expires_at: { type: 'string', format: 'date-time', description: 'When its refresh token expires, rounded down to the hour' },
    ip: { type: ['string', 'null'] },
    user_agent: { type: ['string', 'null'] },
  },
  required: ['id', 'current', 'created_at', 'last_used_at', 'expires_at', 'ip', 'user_agent'],
} as const;

/** A mail flow's 202: the same words whether or not a mail went out (docs/email.md). */
export const acceptedSchema = {
  $id: 'Accepted',
  type: 'object',
  description: 'Accepted: where an account matches, a mail is on its way',
  properties: { message: { type: 'string' } },
  required: ['message'],
} as const;

/**
 * `schema` (an object) with the pair of the caller's new session beside its own properties: the
 * answer of a change of a way in (docs/architecture.md, "Changing a way in").
 */
export function withNewPair<S extends { properties: object; required: readonly string[]; description?: string }>(schema: S) {
  return {
    ...schema, type: 'object',
    properties: { ...schema.properties, ...tokenPairSchema.properties },
    required: [...schema.required, ...tokenPairSchema.required],
  };
}

export const sharedSchemas = [errorSchema, tokenPairSchema, userSchema, sessionSchema, acceptedSchema];

/** A one-time token from a mailed link (32 random bytes, base64url). */
export const linkTokenSchema = { type: 'string', minLength: 1, maxLength: 128, description: 'The `token` parameter of the mailed link' } as const;

export const ref = (id: string) => ({ $ref: `${id}#` });

/**
 * What each error status means here, shown for it in the OpenAPI document; the body's `code`
 * says which case it is. A route gives its own text where one status has one meaning there.
 */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request: the message names the property and what to change',
  401: 'Missing, invalid or expired token',
  403: 'Not allowed: disabled account, wrong current password or code, missing role, a second factor due (mfa_required) or a sign-in too old (reauthentication_required)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Body larger than the limit (BODY_LIMIT_BYTES)',
  415: 'Body not sent with content-type: application/json',
  429: 'Too many attempts: retry after the Retry-After header\'s seconds',
  503: 'A store is unavailable, or (code overloaded, with Retry-After) too many passwords are waiting to be hashed: try again shortly',
};

const SUCCESS_DESCRIPTIONS: Readonly<Record<number, string>> = { 200: 'Success', 201: 'Created', 204: 'Done' };

/**
 * Answers of a route: its success shape plus the error shape for the given statuses, each with
 * a description (Swagger UI would label one without it "Default Response").
 */
export function responses(
  success: Record<number, object>, errorStatuses: number[], descriptions: Record<number, string> = {},
): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const [status, schema] of Object.entries(success)) {
    out[Number(status)] = { description: descriptions[Number(status)] ?? describeSchema(schema) ?? SUCCESS_DESCRIPTIONS[Number(status)], ...schema };
  }
  for (const status of errorStatuses) {
    out[status] = { description: descriptions[status] ?? ERROR_DESCRIPTIONS[status] ?? STATUS_CODES[status], ...ref('Error') };
  }
  return out;
}

/** A schema's own description, or that of the shared schema it refers to. */
function describeSchema(schema: { description?: string; $ref?: string }): string | undefined {
  if (schema.description) return schema.description;
  const shared = sharedSchemas.find((candidate) => schema.$ref === `${candidate.$id}#`) as { description?: string } | undefined;
  return shared?.description;
}

/**
 * Every free-text field a client sends (names, logins, search text, OAuth2 extras): no control
 * character (core/accounts/user-rules.ts CONTROL_CHARACTERS). PostgreSQL refuses NUL, which
 * would otherwise answer 503 store_unavailable, and log an error, instead of 400. Passwords and
 * tokens are not free text: they are hashed or verified, never stored as given.
 */
export const NO_CONTROL_CHARS = `^[^${CONTROL_CHARACTERS}]*$`;

/** A free-text string field: at most `maxLength` characters, no control character. */
export const freeText = (maxLength: number, extra: Record<string, unknown> = {}) =>
  ({ type: 'string', maxLength, pattern: NO_CONTROL_CHARS, ...extra }) as const;
/** Ids are UUIDs: anything else is a 400 before any store is asked. */
export const ID_PATTERN = '^[0-9A-Za-z-]{1,64}$';

export const bearerSecurity = [{ OAuth2PasswordBearer: [] }];
