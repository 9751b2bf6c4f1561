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

/** Reads `{code, message}` from an error answer; a body that is not Gatehouse JSON gets `http_<status>`. */
export async function errorFromResponse(response: Response): Promise<AuthClientError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  const fields = (body ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : `http_${response.status}`;
  const message = typeof fields.message === 'string' ? fields.message : `The server answered ${response.status}.`;
  return new AuthClientError(code, response.status, message);
}
