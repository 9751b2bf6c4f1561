// createAuthClient(): the client an app holds. It logs in and out, keeps the token pair in the
// storage you choose, gives a fetch that always carries a fresh access token, and runs the
// account's mailed-link flows.
import { createAuthFetch, type AuthFetch } from './auth-fetch.js';
import { changePassword, currentUser, login, logout, register } from './account.js';
import {
  cancelEmailChange, changeEmail, checkResetLink, confirmEmailChange, forgotPassword, requestEmailVerification, requestMagicLink, resetPassword, verifyEmail,
  verifyMagicLink, type EmailChange, type MagicLinkProof, type PasswordReset,
} from './email-flows.js';
import { deleteAccount, exportAccount, updateProfile, type AccountExport, type ProfileChange } from './profile.js';
import { keepTokens } from './requests.js';
import { createMfaCalls, type FactorSummary, type Reauthentication, type SecondFactor, type TotpEnrolment } from './mfa.js';
import { createEmitter, type AuthEvents, type Listener } from './events.js';
import * as federation from './federation.js';
import { createRefresher } from './refresher.js';
import {
  deletePasskey, listPasskeys, loginWithPasskey, reauthenticateWithPasskey, registerPasskey, renamePasskey, type Passkey,
} from './passkeys.js';
import { memoryStorage, type KeyValueStore, type TokenStorage } from './storage.js';
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
  /**
   * Where a sign-in or link through a provider keeps its PKCE code_verifier while the browser is away
   * (it must outlive the page). Default: sessionStorage in browsers (this tab only), memory elsewhere.
   */
  flowStorage?: KeyValueStore;
}

export interface User {
  id: string;
  username: string;
  email: string;
  email_verified: boolean;
  full_name: string | null;
  role: string;
  disabled: boolean;
  created_at: string;
}

export type Credentials = { username: string; password: string } | { email: string; password: string };
export interface Registration { username: string; email: string; password: string; full_name?: string | null }
export type LogoutScope = 'local' | 'others' | 'global';
/** Without current_password the sign-in must be recent (reauthenticate first). */
export interface PasswordChange { current_password?: string; new_password: string }

export interface AuthClient {
  /** Under EMAIL_VERIFICATION=required: rejects with AuthClientError code `email_not_verified`, status 202 (check your inbox). */
  register(input: Registration): Promise<User>;
  /** Throws MfaRequiredError (code mfa_required) when the account has a second factor: then call verifyMfa. */
  login(credentials: Credentials): Promise<SessionInfo>;
  /** The second step of a login: the MfaRequiredError's mfaToken, a factor it listed, and a code. */
  verifyMfa(mfaToken: string, factor: SecondFactor, code: string): Promise<SessionInfo>;
  /** The user's second factors. */
  factors(): Promise<FactorSummary>;
  /** A new TOTP secret with its otpauth URI and QR code (SVG); not active until confirmTotp. */
  startTotpEnrolment(): Promise<TotpEnrolment>;
  /** Activates TOTP with a first code; answers the 10 recovery codes, shown this once. */
  confirmTotp(code: string): Promise<{ recovery_codes: string[] }>;
  /** Needs a recent sign-in: reauthenticate() first when it throws reauthentication_required. */
  removeTotp(): Promise<void>;
  /** New recovery codes (the old ones stop working); needs a recent sign-in. */
  regenerateRecoveryCodes(): Promise<{ recovery_codes: string[] }>;
  /** Proves who you are again (password or TOTP code); the new session's pair is stored. */
  reauthenticate(proof: Reauthentication): Promise<SessionInfo>;
  /** Ends this session (local), the user's other sessions (others) or all (global). */
  logout(scope?: LogoutScope): Promise<void>;
  /** GET /users/me through fetch(); null when there is no session. */
  user(): Promise<User | null>;
  /** Every session of the user ends, this one included; the pair of the new session the server answers is stored. */
  changePassword(input: PasswordChange): Promise<SessionInfo>;
  /** Mails a verification link to the signed-in user's address. */
  requestEmailVerification(): Promise<void>;
  /** The token of a verification link; answers the user, `email_verified: true`. */
  verifyEmail(input: { token: string }): Promise<User>;
  /** Mails a reset link; resolves alike for unknown addresses. */
  forgotPassword(input: { email: string }): Promise<void>;
  /** Rejects (link_invalid, link_expired) when a reset link would not work, spending nothing: ask before showing a form. */
  checkResetLink(input: { token: string }): Promise<void>;
  /** The token of a reset link and a new password; every session of the user ends, none starts. */
  resetPassword(input: PasswordReset): Promise<void>;
  /** Mails a login link and a 6-digit code; resolves alike for unknown addresses. */
  requestMagicLink(input: { email: string }): Promise<void>;
  /** Logs in with a magic link's token, or with the address and the code; the pair is stored. */
  verifyMagicLink(proof: MagicLinkProof): Promise<SessionInfo>;
  /** PATCH /users/me; answers the user. */
  updateProfile(change: ProfileChange): Promise<User>;
  /** Mails a confirmation link to the new address (a notice to the old one); nothing changes until it is confirmed. */
  changeEmail(input: EmailChange): Promise<void>;
  /** The token of an address-change link; answers the user with the new address. */
  confirmEmailChange(input: { token: string }): Promise<User>;
  /** The token of the old address's "this wasn't me" link: cancels the pending change; every session of the account ends. */
  cancelEmailChange(input: { token: string }): Promise<User>;
  /** Deletes the account; every session ends, and this device forgets its pair (event `logout`, reason `account_deleted`). */
  deleteAccount(input: { current_password: string }): Promise<void>;
  /** Everything stored about the signed-in user. */
  exportAccount(): Promise<AccountExport>;
  /** Signs in with a passkey through the browser's WebAuthn API; without a username, a discoverable one. */
  loginWithPasskey(input?: { username?: string }): Promise<SessionInfo>;
  /** The signed-in user's passkeys: register one (the browser asks the user), list, rename, delete. */
  passkeys: {
    /**
     * Needs a recent sign-in too (the page re-authenticates, or logs in again, on reauthentication_required;
     * with a passkey on stronger_reauthentication_required); the caller's new pair is stored.
     */
    register(name?: string): Promise<Passkey>;
    list(): Promise<Passkey[]>;
    rename(id: string, name: string): Promise<Passkey>;
    /** Needs a recent sign-in: reauthenticate() first when it throws reauthentication_required. */
    delete(id: string): Promise<void>;
    /** A recent sign-in with one of the user's passkeys: the pair of the new session is kept. */
    reauthenticate(): Promise<SessionInfo>;
  };
  /** Sign-in with other identity providers and the user's linked identities (docs/client.md). */
  federation: FederationMethods;
  fetch: AuthFetch;
  /** The current access token, its expiry and claims, from storage (no request); null when logged out. */
  session(): Promise<SessionInfo | null>;
  /**
   * Refreshes now, whatever the expiry (after a role change, say): the new pair is stored and
   * `tokens` emitted; a refresh already under way is joined. Null when there is no session, or
   * the server refused (then it is forgotten, event `logout`).
   */
  refresh(): Promise<SessionInfo | null>;
  on<K extends keyof AuthEvents>(type: K, listener: Listener<K>): () => void;
  /** Stops listening to other tabs. */
  close(): void;
}

export interface FederationMethods {
  /** The providers the server offers (GET /auth/federated/providers). */
  providers(): Promise<federation.IdentityProvider[]>;
  /**
   * The URL to send the browser to, to sign in with `provider` and come back to `redirectTo`; it makes
   * the PKCE code_verifier (kept in `flowStorage`) whose challenge the URL carries.
   */
  signInUrl(provider: string, redirectTo?: string): Promise<string>;
  /**
   * On the page it came back to: exchanges the `code` for a stored session (or completes a link's
   * `link_code` and stores the new pair), with the kept verifier; throws on `error`; null when neither.
   */
  finishSignIn(url?: string | URL): Promise<SessionInfo | null>;
  identities(): Promise<federation.LinkedIdentity[]>;
  /** The URL for the browser to link `provider` to the logged-in user; finishSignIn completes it on return. */
  linkUrl(provider: string, redirectTo?: string): Promise<string>;
  unlink(identityId: string): Promise<void>;
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const ctx = createContext(options);
  const refresh = createRefresher(ctx); // one, so client.refresh() and client.fetch share a refresh in flight
  const authFetch = createAuthFetch({
    baseUrl: ctx.baseUrl, fetch: ctx.fetch, storage: ctx.storage, now: ctx.now,
    refresh,
    refreshLeewaySeconds: options.refreshLeewaySeconds ?? 30,
    bearerOrigins: new Set([new URL(ctx.baseUrl).origin, ...(options.bearerOrigins ?? []).map((o) => new URL(o).origin)]),
  });
  return {
    register: (input) => register(ctx, input),
    login: (credentials) => login(ctx, credentials),
    logout: (scope = 'local') => logout(ctx, authFetch, scope),
    user: () => currentUser(ctx, authFetch),
    changePassword: (input) => changePassword(ctx, authFetch, input),
    requestEmailVerification: () => requestEmailVerification(ctx, authFetch),
    verifyEmail: (input) => verifyEmail(ctx, input),
    forgotPassword: (input) => forgotPassword(ctx, input),
    checkResetLink: (input) => checkResetLink(ctx, input),
    resetPassword: (input) => resetPassword(ctx, input),
    requestMagicLink: (input) => requestMagicLink(ctx, input),
    verifyMagicLink: (proof) => verifyMagicLink(ctx, proof),
    updateProfile: (change) => updateProfile(ctx, authFetch, change),
    changeEmail: (input) => changeEmail(ctx, authFetch, input),
    confirmEmailChange: (input) => confirmEmailChange(ctx, input),
    cancelEmailChange: (input) => cancelEmailChange(ctx, input),
    deleteAccount: (input) => deleteAccount(ctx, authFetch, input),
    exportAccount: () => exportAccount(ctx, authFetch),
    loginWithPasskey: (input) => loginWithPasskey(ctx, input),
    passkeys: {
      register: (name) => registerPasskey(ctx, authFetch, name),
      list: () => listPasskeys(ctx, authFetch),
      rename: (id, name) => renamePasskey(ctx, authFetch, id, name),
      delete: (id) => deletePasskey(ctx, authFetch, id),
      reauthenticate: () => reauthenticateWithPasskey(ctx, authFetch),
    },
    ...createMfaCalls(ctx, authFetch, (pair, reason) => keepTokens(ctx, pair, reason)),
    federation: {
      providers: () => federation.providers(ctx),
      signInUrl: (provider, redirectTo) => federation.signInUrl(ctx, provider, redirectTo),
      finishSignIn: (url) => federation.finishSignIn(ctx, authFetch, url),
      identities: () => federation.identities(ctx, authFetch),
      linkUrl: (provider, redirectTo) => federation.linkUrl(ctx, authFetch, provider, redirectTo),
      unlink: (id) => federation.unlink(ctx, authFetch, id),
    },
    fetch: authFetch,
    session: async () => {
      const tokens = await ctx.storage.load();
      return tokens ? sessionInfo(tokens) : null;
    },
    refresh: async () => {
      const tokens = await ctx.storage.load();
      const next = tokens && (await refresh(tokens));
      return next ? sessionInfo(next) : null;
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
    flowStorage: options.flowStorage ?? tabStorage() ?? memoryStore(),
  };
  return ctx;
}

/** sessionStorage when there is one (reading it throws where storage is blocked). */
function tabStorage(): KeyValueStore | undefined {
  try {
    return (globalThis as { sessionStorage?: KeyValueStore }).sessionStorage ?? undefined;
  } catch {
    return undefined;
  }
}

function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value), removeItem: (key) => void values.delete(key) };
}

function isUrl(text: string): boolean {
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}
