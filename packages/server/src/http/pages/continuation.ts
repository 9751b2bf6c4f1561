// Where a sign-in goes on (docs/architecture.md, "Pages"): a `continue` value names a stored
// authorize request, or is a path of the admin console on this origin (its return-to). Once signed
// in, the browser is sent (303) to /oauth/authorize/continue with the request, to the console path,
// or else to /signed-in. Other values are dropped, so no page redirects anywhere a request chose.

export const CONTINUE_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/** The longest `continue` a page reads: a console path with its query. */
export const CONTINUE_MAX = 512;

/** A console path and query, of URL characters only (no backslash, space or control character). */
const CONSOLE_PATH = /^\/admin(?:[/?][A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;
const BASE = 'http://gatehouse.invalid';

/**
 * Whether `value` is a same-origin path of the console: /admin or under /admin/, the same once a
 * browser resolves it (no "//" anywhere in the path, no dot segments, also not percent-encoded), at most CONTINUE_MAX.
 */
export function isReturnPath(value: string): boolean {
  if (value.length > CONTINUE_MAX || !CONSOLE_PATH.test(value)) return false;
  const url = new URL(value, BASE);
  return url.origin === BASE && `${url.pathname}${url.search}` === value && !url.pathname.includes('//')
    && (url.pathname === '/admin' || url.pathname.startsWith('/admin/'));
}

/** The `continue` value when well formed (a request id or a console path), else undefined. */
export const continueOf = (value: unknown): string | undefined =>
  typeof value === 'string' && (CONTINUE_PATTERN.test(value) || isReturnPath(value)) ? value : undefined;

/** Where a finished sign-in goes. */
export const continueTarget = (request: string | undefined): string =>
  request === undefined ? '/signed-in' : request.startsWith('/') ? request : `/oauth/authorize/continue?request=${request}`;
