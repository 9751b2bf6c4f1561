// The client's one error type: a server answer that was not a success, with the server's stable
// snake_case `code` (docs/api.md, "Errors") and its HTTP status, so callers `switch (error.code)`.

export class AuthClientError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'AuthClientError';
    this.code = code;
    this.status = status;
  }
}

/**
 * A login whose password (or other first factor) passed, for an account with a second factor: the
 * server answered 403 mfa_required. Finish it with `client.verifyMfa(error.mfaToken, factor, code)`
 * within 5 minutes; `factors` lists what the account has ("totp", "recovery_code").
 */
export class MfaRequiredError extends AuthClientError {
  readonly mfaToken: string;
  readonly factors: string[];

  constructor(message: string, mfaToken: string, factors: string[]) {
    super('mfa_required', 403, message);
    this.name = 'MfaRequiredError';
    this.mfaToken = mfaToken;
    this.factors = factors;
  }
}

/** Reads `{code, message}` from an error answer; a body that is not Gatehouse JSON gets `http_<status>`. */
export async function errorFromResponse(response: Response): Promise<AuthClientError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  const fields = (body ?? {}) as { code?: unknown; message?: unknown; error?: unknown; mfa_token?: unknown; factors?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : `http_${response.status}`;
  const message = typeof fields.message === 'string' ? fields.message : `The server answered ${response.status}.`;
  if (code === 'mfa_required' && typeof fields.mfa_token === 'string') {
    const factors = Array.isArray(fields.factors) ? fields.factors.filter((f): f is string => typeof f === 'string') : [];
    return new MfaRequiredError(message, fields.mfa_token, factors);
  }
  return new AuthClientError(code, response.status, message);
}
