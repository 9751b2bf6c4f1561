// The failures a store reports, below both the stores and the core rules, so neither imports the
// other for them: the core turns each into its answer (core/errors.ts, authErrorOf).
import { nativeModuleMismatchIn } from './native-module.js';

/** A store that cannot be reached or fails: always `503 store_unavailable`, never the driver's text. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';

  constructor(cause: unknown) {
    super('The storage backend is unavailable; try again shortly.', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Thrown by `UserStore.create` when the username or email is taken (the unique index decides, race or not). */
export class DuplicateUserError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} already exists`);
    this.name = 'DuplicateUserError';
  }
}

/** Thrown by `PasskeyStore.create` when the credential id is registered already (the unique index decides). */
export class DuplicatePasskeyError extends Error {
  constructor() {
    super('passkey already registered');
    this.name = 'DuplicatePasskeyError';
  }
}

/**
 * Thrown by `SessionStore.create` when the session's user was deleted meanwhile (a login racing an
 * account deletion): SQL's foreign key refuses the row, Redis the user's deletion mark. Nothing is stored.
 */
export class SessionUserGoneError extends Error {
  constructor() {
    super('the session\'s user no longer exists');
    this.name = 'SessionUserGoneError';
  }
}

/** A rate-limit bucket that is empty: `429 rate_limited`, with the seconds until it refills. */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited';

  constructor(readonly retryAfterSeconds: number) {
    super('Too many attempts; try again later.');
    this.name = 'RateLimitedError';
  }
}

/**
 * A store that could not be opened at start. The message names the setting, where it points
 * (never the credentials in the URL) and what failed, so the start-up error says what to fix.
 */
export class StoreConnectError extends Error {
  constructor(readonly setting: 'DATABASE_URL' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES', target: string, cause: unknown) {
    super(`${setting}: cannot open ${target}: ${failureOf(cause)}`, { cause });
    this.name = 'StoreConnectError';
  }
}

/** Where a store URL points, without its user name or password: "postgres://db.internal:5432/app". */
export function describeStoreUrl(url: string): string {
  if (url.startsWith('sqlite:')) return `the SQLite file ${url.slice('sqlite:'.length)}`;
  if (!URL.canParse(url)) return 'the URL given';
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running, on that port?)',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EACCES: 'permission denied',
  SQLITE_CANTOPEN: 'the file cannot be opened (does its folder exist and is it writable?)',
};

type DriverError = { code?: unknown; message?: unknown; cause?: unknown; errors?: DriverError[] } | null;

/** The hint for the first known error code along the cause chain (a migration wraps the driver's), else the message. */
function failureOf(cause: unknown): string {
  const native = nativeModuleMismatchIn(cause);
  if (native) return native;
  for (let error = cause as DriverError, depth = 0; error && depth < 5; error = error.cause as DriverError, depth++) {
    const codes = [error.code, ...(error.errors ?? []).map((inner) => inner?.code)];
    const known = codes.find((code): code is string => typeof code === 'string' && HINTS[code] !== undefined);
    if (known) return HINTS[known]!;
  }
  const message = (cause as DriverError)?.message;
  return (typeof message === 'string' && message ? message : String(cause)).split('\n')[0]!.slice(0, 200);
}

/** Thrown by `FederationStore.createIdentity` when the (provider, subject) pair is linked already. */
export class DuplicateIdentityError extends Error {
  constructor() {
    super('identity already linked');
    this.name = 'DuplicateIdentityError';
  }
}

/** An OAuth client id that is taken already (storage/types/oauth-clients.ts). */
export class DuplicateClientError extends Error {
  constructor() {
    super('An OAuth client with this client_id exists already');
    this.name = 'DuplicateClientError';
  }
}
