// JSON schemas shared by the routes: one source for validation, answer serialisation (which
// drops any field not listed, so nothing leaks) and the OpenAPI document.

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable snake_case error code' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

export const tokenPairSchema = {
  $id: 'TokenPair',
  type: 'object',
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
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
    full_name: { type: ['string', 'null'] },
    role: { type: 'string' },
    disabled: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'username', 'email', 'full_name', 'role', 'disabled', 'created_at'],
} as const;

export const sessionSchema = {
  $id: 'Session',
  type: 'object',
  properties: {
    id: { type: 'string' },
    current: { type: 'boolean', description: 'Whether this is the session of the token that asked' },
    created_at: { type: 'string', format: 'date-time' },
    last_used_at: { type: 'string', format: 'date-time' },
    expires_at: { type: 'string', format: 'date-time' },
    ip: { type: ['string', 'null'] },
    user_agent: { type: ['string', 'null'] },
  },
  required: ['id', 'current', 'created_at', 'last_used_at', 'expires_at', 'ip', 'user_agent'],
} as const;

export const sharedSchemas = [errorSchema, tokenPairSchema, userSchema, sessionSchema];

export const ref = (id: string) => ({ $ref: `${id}#` });

/** Answers of a route: its success shape plus the error shape for the given statuses. */
export function responses(success: Record<number, unknown>, errorStatuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = { ...success };
  for (const status of errorStatuses) out[status] = ref('Error');
  return out;
}

/**
 * Text that reaches a database lookup: no control characters (PostgreSQL refuses NUL, which
 * would otherwise answer 503 instead of 400).
 */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001f]*$';
/** Ids are UUIDs: anything else is a 400 before any store is asked. */
export const ID_PATTERN = '^[0-9A-Za-z-]{1,64}$';

export const bearerSecurity = [{ OAuth2PasswordBearer: [] }];
