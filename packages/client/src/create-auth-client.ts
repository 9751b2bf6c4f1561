// createAuthClient(): the client an app holds. It logs in and out, keeps the token pair in the
// storage you choose, and gives a fetch that always carries a fresh access token.
import { createAuthFetch, type AuthFetch } from './auth-fetch.js';
import { changePassword, currentUser, login, logout, register } from './account.js';
import { createEmitter, type AuthEvents, type Listener } from './events.js';
import * as federation from './federation.js';
import { createRefresher } from './refresher.js';
import { memoryStorage, type TokenStorage } from './storage.js';
import { followOtherTabs } from './tab-sync.js';
import { sessionInfo, type SessionInfo } from './tokens.js';

export interface AuthClientOptions {
  /** Where Gatehouse answers, e.g. "https://auth.example.com" (a path prefix is kept). */
  baseUrl: string;
  /** Default: memoryStorage(). In browsers, localStorageAdapter() keeps tabs logged in together. */
  storage?: TokenStorage;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Refresh this long before the access token expires (at most a quarter of its lifetime). Default 30. */
  refreshLeewaySeconds?: number;
  /** The clock, in milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** Other origins that may receive the bearer token (APIs that verify it). baseUrl's origin always may. */
  bearerOrigins?: string[];
}

export interface User {
  id: string;
  username: string;
  email: string;
  full_name: string | null;
  role: string;
  disabled: boolean;
  created_at: string;
}

export type Credentials = { username: string; password: string } | { email: string; password: string };
export interface Registration { username: string; email: string; password: string; full_name?: string | null }
export type LogoutScope = 'local' | 'others' | 'global';
export interface PasswordChange { current_password: string; new_password: string }

export interface AuthClient {
  register(input: Registration): Promise<User>;
  login(credentials: Credentials): Promise<SessionInfo>;
  /** Ends this session (local), the user's other sessions (others) or all (global). */
  logout(scope?: LogoutScope): Promise<void>;
  /** GET /users/me through fetch(); null when there is no session. */
  user(): Promise<User | null>;
  /** Every session of the user ends, this one included; the pair of the new session the server answers is stored. */
  changePassword(input: PasswordChange): Promise<SessionInfo>;
  /** Sign-in with other identity providers and the user's linked identities (docs/client.md). */
  federation: FederationMethods;
  fetch: AuthFetch;
  /** The current access token, its expiry and claims, from storage (no request); null when logged out. */
  session(): Promise<SessionInfo | null>;
  on<K extends keyof AuthEvents>(type: K, listener: Listener<K>): () => void;
  /** Stops listening to other tabs. */
  close(): void;
}

export interface FederationMethods {
  /** The providers the server offers (GET /auth/federated/providers). */
  providers(): Promise<federation.IdentityProvider[]>;
  /** The URL to send the browser to, to sign in with `provider` and come back to `redirectTo`. */
  signInUrl(provider: string, redirectTo?: string): string;
  /** On the page it came back to: exchanges the `code` for a stored session; throws on `error`; null when neither. */
  finishSignIn(url?: string | URL): Promise<SessionInfo | null>;
  identities(): Promise<federation.LinkedIdentity[]>;
  /** The URL for the browser to link `provider` to the logged-in user. */
  linkUrl(provider: string, redirectTo?: string): Promise<string>;
  unlink(identityId: string): Promise<void>;
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const ctx = createContext(options);
  const authFetch = createAuthFetch({
    baseUrl: ctx.baseUrl, fetch: ctx.fetch, storage: ctx.storage, now: ctx.now,
    refresh: createRefresher(ctx),
    refreshLeewaySeconds: options.refreshLeewaySeconds ?? 30,
    bearerOrigins: new Set([new URL(ctx.baseUrl).origin, ...(options.bearerOrigins ?? []).map((o) => new URL(o).origin)]),
  });
  return {
    register: (input) => register(ctx, input),
    login: (credentials) => login(ctx, credentials),
    logout: (scope = 'local') => logout(ctx, authFetch, scope),
    user: () => currentUser(ctx, authFetch),
    changePassword: (input) => changePassword(ctx, authFetch, input),
    federation: {
      providers: () => federation.providers(ctx),
      signInUrl: (provider, redirectTo) => federation.signInUrl(ctx, provider, redirectTo),
      finishSignIn: (url) => federation.finishSignIn(ctx, url),
      identities: () => federation.identities(ctx, authFetch),
      linkUrl: (provider, redirectTo) => federation.linkUrl(ctx, authFetch, provider, redirectTo),
      unlink: (id) => federation.unlink(ctx, authFetch, id),
    },
    fetch: authFetch,
    session: async () => {
      const tokens = await ctx.storage.load();
      return tokens ? sessionInfo(tokens) : null;
    },
    on: ctx.events.on,
    close: () => ctx.sync?.close(),
  };
}

export type ClientContext = ReturnType<typeof createContext>;

function createContext(options: AuthClientOptions) {
  if (!options || typeof options.baseUrl !== 'string' || !isUrl(options.baseUrl)) {
    throw new TypeError('createAuthClient: baseUrl must be an absolute URL such as "https://auth.example.com".');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') throw new TypeError('createAuthClient: no fetch available; pass options.fetch.');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const storage = options.storage ?? memoryStorage();
  const events = createEmitter();
  const ctx = {
    baseUrl, storage, events, fetch: fetchImpl as typeof fetch,
    now: options.now ?? (() => Date.now()),
    endpoint: (path: string) => `${baseUrl}${path}`,
    sync: storage.syncKey ? followOtherTabs(storage, storage.syncKey, events) : undefined,
  };
  return ctx;
}

function isUrl(text: string): boolean {
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}
