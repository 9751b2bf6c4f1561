// Where a sign-in goes on (docs/architecture.md, "Pages"): a `continue` value names a stored
// authorize request; once signed in, the browser is sent (303) to /oauth/authorize/continue with
// it, else to /signed-in. Values not matching the pattern are dropped, so no page redirects
// anywhere a request chose.

export const CONTINUE_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/** The `continue` value when well formed, else undefined. */
export const continueOf = (value: unknown): string | undefined =>
  typeof value === 'string' && CONTINUE_PATTERN.test(value) ? value : undefined;

/** Where a finished sign-in goes. */
export const continueTarget = (request: string | undefined): string =>
  request === undefined ? '/signed-in' : `/oauth/authorize/continue?request=${request}`;
