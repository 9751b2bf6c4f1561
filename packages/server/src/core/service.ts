// The auth core: registration, login, who-am-I, logout, sessions and password change, as plain
// functions over injected stores, token signer, hasher, limits and clock. No HTTP, no SQL.
import { v7 as uuidv7 } from 'uuid';
import { AuthError } from './errors.js';
import { checkPasswordPolicy } from './passwords/policy.js';
import { createAccount, type NewAccount } from './accounts/create-account.js';
import { hashToken, refreshTokenStanding, signTokenPair, type TokenLifetimes, type TokenPair } from './tokens/token-pair.js';
import { createRefresher } from './sessions/refresh.js';
import { sessionAndUserReader } from './sessions/session-and-user.js';
import { createLoginThrottle, type LoginDelaySettings } from './login/throttle.js';
import type { BreachedPasswords } from './passwords/breached.js';
import { auditOrigin, failureReason, noAudit, type AuditSink } from './audit.js';
import { VerifiedTokenCache } from '@gatehouse-auth/verify';
import type { Clock } from './clock.js';
import type { PasswordHasher } from './passwords/hasher.js';
import type { RateLimits } from '../storage/types/rate-limits.js';
import type { AccessTokenClaims, Tokens } from './tokens/tokens.js';
import type { SessionAndUserRead, SessionRecord, SessionStore, UserRecord, UserStore } from '../storage/types/stores.js';

/**
 * Resolves in the event loop's next turn, after the I/O that is waiting (setImmediate). A login
 * awaits it between the steps after its hash (the throttle's bookkeeping, signing, the session
 * write, the answer), so requests that came in meanwhile are answered between them rather than
 * after the lot: under a login flood, /users/me's p99 fell from 0.89–0.90 to 0.77–0.82 ms
 * (docs/benchmarks.md).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface AuthSettings extends TokenLifetimes {
  refreshGraceSeconds: number;
  /** Design §5: a refresh needs the access token too; false relaxes it for plain OAuth2 clients. */
  refreshRequiresAccessToken: boolean;
  /** ASVS 2.2.1 progressive delay; absent means off (the hourly cap and the lock still hold). */
  loginDelay?: LoginDelaySettings;
}

export interface AuthDeps {
  users: UserStore;
  sessions: SessionStore;
  /** Both of an authenticated request's reads in one, when the stores offer it (Stores.sessionAndUser). */
  sessionAndUser?: SessionAndUserRead;
  tokens: Tokens;
  hasher: PasswordHasher;
  limits: RateLimits;
  clock: Clock;
  settings: AuthSettings;
  /** The optional HIBP-style range check at register and password change (ASVS 2.1.7). */
  breachedPasswords?: BreachedPasswords;
  /** Where security events go (the server logs and counts them); none by default. */
  audit?: AuditSink;
}

export interface RequestContext {
  ip: string;
  userAgent: string | null;
}

export type Registration = Omit<NewAccount, 'role'>;

export type LogoutScope = 'local' | 'others' | 'global';

export interface Authenticated {
  user: UserRecord;
  claims: AccessTokenClaims;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthDeps) {
  const { users, sessions, tokens, hasher, limits, clock, settings } = deps;
  const throttle = createLoginThrottle(limits, settings.loginDelay ?? { afterFailures: 0, maxSeconds: 0 });
  const now = () => new Date(clock.now());
  const audit = deps.audit ?? noAudit;
  const readSessionAndUser = sessionAndUserReader(deps);

  /** Opens a session and signs its pair, each step in its own turn of the event loop (nextTurn). */
  async function startSession(user: UserRecord, ctx: RequestContext, event: 'register' | 'login_succeeded'): Promise<TokenPair> {
    const createdAt = now();
    const base = { id: uuidv7(), generation: 0, rotatedAt: createdAt, createdAt };
    const { pair, refreshHash, refreshExpiresAt } = await signTokenPair(tokens, settings, user, base, clock.now());
    await nextTurn();
    await sessions.create({
      ...base, userId: user.id, currentHash: refreshHash, previousHash: null, expiresAt: refreshExpiresAt,
      lastUsedAt: createdAt, revokedAt: null, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    });
    audit({ type: event, userId: user.id, sessionId: base.id, ...auditOrigin(ctx) });
    await nextTurn();
    return pair;
  }

  async function register(input: Registration, ctx: RequestContext): Promise<{ user: UserRecord; tokens: TokenPair }> {
    await limits.consume('credentialsPerIp', ctx.ip);
    const user = await createAccount(deps, { ...input, role: 'user' });
    return { user, tokens: await startSession(user, ctx, 'register') };
  }

  /** Checks a password against a user (or a dummy), counting failures per account. */
  async function checkPassword(user: UserRecord | null, login: string, password: string): Promise<UserRecord> {
    // Keyed by what was typed, known user or not: a key by user id would tell, through the
    // lockout, that a username and an email belong to one account (no enumeration, design §6).
    const accountKey = login.toLowerCase();
    await throttle.begin(accountKey);
    if (!user) {
      await hasher.verifyDummy(password); // same time as a real check: no enumeration (design §6)
    } else {
      const { ok, needsRehash } = await hasher.verify(user.passwordHash, password);
      if (ok) {
        await throttle.succeeded(accountKey);
        // only if the hash is still the one just verified: a password change in between wins
        if (needsRehash) await users.replacePasswordHash(user.id, user.passwordHash, await hasher.hash(password), now());
        return user;
      }
    }
    await throttle.failed(accountKey).catch(() => undefined); // the answer stays invalid_credentials
    throw new AuthError('invalid_credentials', 'Incorrect username, email or password.');
  }

  async function login(input: { login: string; password: string }, ctx: RequestContext, trail: { userId?: string } = {}): Promise<TokenPair> {
    await limits.consume('credentialsPerIp', ctx.ip);
    const login = input.login.trim();
    const found = await users.findByLogin(login);
    trail.userId = found?.id;
    const user = await checkPassword(found, login, input.password);
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    await nextTurn();
    return startSession(user, ctx, 'login_succeeded');
  }

  /** Every failed login leaves one audit event with its reason (success is logged by startSession). */
  async function auditedLogin(input: { login: string; password: string }, ctx: RequestContext): Promise<TokenPair> {
    const trail: { userId?: string } = {};
    try {
      return await login(input, ctx, trail);
    } catch (error) {
      audit({ type: 'login_failed', reason: failureReason(error), userId: trail.userId, ...auditOrigin(ctx) });
      throw error;
    }
  }

  /** Verifies a bearer token for the server's own endpoints: its session must still be live. */
  const verified = new VerifiedTokenCache<AccessTokenClaims>();

  async function verifyAccess(accessToken: string): Promise<AccessTokenClaims> {
    const nowMs = clock.now();
    let claims = verified.get(accessToken, nowMs);
    if (!claims) {
      claims = await tokens.verifyAccessToken(accessToken, { nowMs });
      verified.set(accessToken, claims);
    }
    return claims;
  }

  async function authenticate(accessToken: string): Promise<Authenticated> {
    const claims = await verifyAccess(accessToken);
    const { session, user } = await readSessionAndUser(claims.sub, claims.sid);
    return admit(claims, session, user);
  }

  /**
   * authenticate at once, without a promise, when all it needs is in memory: the token verified
   * before, and its session and user held by the stores (SQLite's row cache); undefined otherwise.
   * The same checks, on the same rows findById would read.
   */
  function authenticateNow(accessToken: string): Authenticated | undefined {
    const claims = verified.get(accessToken, clock.now());
    if (!claims) return undefined;
    const session = sessions.cachedById?.(claims.sub, claims.sid);
    if (session === undefined) return undefined;
    const user = users.cachedById?.(claims.sub);
    return user === undefined ? undefined : admit(claims, session, user);
  }

  function admit(claims: AccessTokenClaims, session: SessionRecord | null, user: UserRecord | null): Authenticated {
    if (!session || session.revokedAt) {
      throw new AuthError('session_revoked', 'This session has been logged out.');
    }
    if (!user) throw new AuthError('invalid_token', 'The user of this token no longer exists.');
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    return { user, claims };
  }

  /**
   * Who asks to log out. "local" stays idempotent: a token whose session is already gone may
   * still end it. Ending other sessions needs a live session, so an old token from a logged-out
   * device cannot log everyone out.
   */
  async function logoutCaller(input: { accessToken?: string; refreshToken?: string; scope: LogoutScope }) {
    const nowMs = clock.now();
    const local = input.scope === 'local';
    if (input.accessToken) {
      return local ? tokens.verifyAccessToken(input.accessToken, { nowMs }) : (await authenticate(input.accessToken)).claims;
    }
    if (!input.refreshToken) throw new AuthError('missing_token', 'Send the access token as a bearer token, or the refresh token.');
    const claims = await tokens.verifyRefreshToken(input.refreshToken, { nowMs });
    if (local) return claims;
    const session = await sessions.findById(claims.sub, claims.sid);
    const hash = hashToken(input.refreshToken);
    // the token must be the session's current one, or the previous one inside the grace window
    if (!session || session.revokedAt || refreshTokenStanding(session, hash, nowMs, settings.refreshGraceSeconds) === 'stale') {
      throw new AuthError('session_revoked', 'This session has been logged out.');
    }
    return claims;
  }

  async function logout(input: { accessToken?: string; refreshToken?: string; scope: LogoutScope }, ctx?: RequestContext): Promise<void> {
    const who = await logoutCaller(input);
    let revokedSessions: number | undefined;
    if (input.scope === 'global') revokedSessions = await sessions.revokeAllForUser(who.sub, now());
    else if (input.scope === 'others') revokedSessions = await sessions.revokeAllForUser(who.sub, now(), who.sid);
    else await sessions.revoke(who.sub, who.sid, now());
    audit({ type: 'logout', scope: input.scope, revokedSessions, userId: who.sub, sessionId: who.sid, ...auditOrigin(ctx) });
  }

  async function listSessions(userId: string): Promise<SessionRecord[]> {
    return sessions.listActiveForUser(userId, now());
  }

  async function revokeSession(userId: string, sessionId: string): Promise<void> {
    const session = await sessions.findById(userId, sessionId);
    if (!session || session.revokedAt) {
      throw new AuthError('session_not_found', 'No such session.');
    }
    await sessions.revoke(userId, sessionId, now());
  }

  async function changePassword(auth: Authenticated, input: { currentPassword: string; newPassword: string }, ctx?: RequestContext): Promise<void> {
    const { user, claims } = auth;
    try {
      await checkPassword(user, user.username, input.currentPassword);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'invalid_credentials') {
        throw new AuthError('invalid_current_password', 'The current password is incorrect.');
      }
      throw error;
    }
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await deps.breachedPasswords?.refuseIfBreached(input.newPassword);
    await users.update(user.id, { passwordHash: await hasher.hash(input.newPassword) }, now());
    const revokedSessions = await sessions.revokeAllForUser(user.id, now(), claims.sid);
    audit({ type: 'password_changed', revokedSessions, userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
  }

  const refresh = createRefresher(deps);

  return { register, login: auditedLogin, authenticate, authenticateNow, refresh, logout, listSessions, revokeSession, changePassword };
}
