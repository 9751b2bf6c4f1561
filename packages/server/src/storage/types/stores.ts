// The storage contract: what the auth core needs from a user store and a session store, named
// after its use-cases. "Not found" is `null`. Implementations: SQL (SQLite, PostgreSQL, MySQL), Redis.
import type { PasskeyStore, WebAuthnChallengeStore } from './passkeys.js';
import type { OAuthClientStore } from './oauth-clients.js';
import type { RateLimitRules, RateLimits } from './rate-limits.js';
import type { OneTimeTokenStore } from './one-time-tokens.js';
import type { OutboxStore } from './outbox.js';
import type { AuditStore } from './audit.js';
import type { WebhookStore } from './webhooks.js';
import type { FederationStore } from './federation.js';
import type { FactorStore, LoginChallengeStore } from './factors.js';
import type { LoginMethodStore } from './login-methods.js';
import type { UserImportStore } from './user-import.js';
import type { ConsentGrantStore } from './consent-grants.js';
import type { OidcKeyStore } from './oidc-keys.js';

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  /** Whether the owner proved they receive mail at `email` (a verification link, or the admin said so). */
  emailVerified: boolean;
  passwordHash: string;
  fullName: string | null;
  role: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Moves (never back) with every change of a way into the account: a password written by
   * `update`, or bumpCredentialGeneration. A login whose session started under an older one is
   * undone (docs/architecture.md, "Login"). 0 for a new user.
   */
  credentialGeneration: number;
  /**
   * When the owner last signed in with a way the account already trusted (docs/architecture.md,
   * "Changing a way in"): a remedy removes the passkeys, TOTP and identities added after it.
   * The creation time for a new user.
   */
  ownerProvenAt: Date;
  /** The owner's proven sign-in before `ownerProvenAt`: a remedy asked from the latest one's session looks back to it. */
  ownerProvenBefore: Date;
}

export type NewUser = Omit<UserRecord, 'createdAt' | 'updatedAt' | 'credentialGeneration' | 'ownerProvenAt' | 'ownerProvenBefore'> & { createdAt: Date };

/** `username` and `email` may clash with another user's: update then throws DuplicateUserError. */
export type UserPatch = Partial<Pick<UserRecord, 'passwordHash' | 'role' | 'disabled' | 'fullName' | 'username' | 'email' | 'emailVerified'>>;

/** A page request of the admin user list: ordered by id (UUIDv7, so by creation), after a cursor. */
export interface UserListQuery {
  /** Prefix of the lowercased username or of the email; empty or absent lists everyone. */
  query?: string;
  limit: number;
  /** The id of the last user of the previous page. */
  after?: string;
}

export interface UserStore {
  /** Usernames are unique ignoring case; emails are stored lowercased. */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  /**
   * What findById would answer, at once, when the store holds it in memory (the SQLite row
   * cache): null for a user known to be missing, undefined when only findById can tell.
   */
  cachedById?(id: string): UserRecord | null | undefined;
  /**
   * By username or email, given as its login key (loginKey in core/accounts/user-rules.ts:
   * trimmed, A–Z lowered) and compared byte for byte: the store folds nothing itself, so the
   * lookup and the per-account throttle can never disagree on which spellings are one account.
   */
  findByLogin(loginKey: string): Promise<UserRecord | null>;
  /** A patch with `passwordHash` also moves the credential generation, in the same write. */
  update(id: string, patch: UserPatch, now: Date): Promise<UserRecord | null>;
  /**
   * Moves the user's credential generation: call it for any change of a way into the account
   * (a factor, a passkey, a linked identity, an address) BEFORE ending the user's sessions, so a
   * login in flight either sees the move or has its session ended (docs/architecture.md, "Login").
   * Answers the generation this bump produced (null: no such user), read with the write, so a
   * caller compares against its own move and not a later one that landed in between.
   */
  bumpCredentialGeneration(id: string, now: Date): Promise<number | null>;
  /** Records a sign-in proven with a trusted way at `at`: ownerProvenAt moves to it (never back), and its old value to ownerProvenBefore. */
  markOwnerProven(id: string, at: Date): Promise<void>;
  /**
   * Compare-and-swap of the password hash: writes `next` only while the stored hash is still
   * `expected`, so an upgrade (bcrypt → argon2id) racing a password change never undoes it.
   * The same password in a new hash: the credential generation stays.
   */
  replacePasswordHash(id: string, expected: string, next: string, now: Date): Promise<boolean>;
  /** At most `limit` users in id order, after `after`, whose username or email starts with `query`. */
  list(query: UserListQuery): Promise<UserRecord[]>;
  /** Deletes a user (and, in SQL, their sessions); returns whether one was there. */
  delete(id: string): Promise<boolean>;
  /** Users holding `role` who are not disabled: the admin API keeps at least one admin. */
  countActiveByRole(role: string): Promise<number>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 of the refresh token now valid; the token itself is never stored. */
  currentHash: string;
  /** SHA-256 of the token it replaced, honoured for the grace window only. */
  previousHash: string | null;
  generation: number;
  rotatedAt: Date;
  /**
   * Keyed hash of the client (user agent, address prefix) whose refresh made the last rotation:
   * only it may replay the previous token in the grace window. Null until the first rotation.
   */
  rotationFingerprint: string | null;
  createdAt: Date;
  /** When the current refresh token expires. */
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
  /**
   * How the user authenticated (RFC 8176 values, core/login/amr.ts) and when; a rotation keeps both,
   * a re-authentication starts a new session with a later authTime. Sessions older than migration
   * 0005 read as no methods and their creation time.
   */
  amr: readonly string[];
  authTime: Date;
  /**
   * The relying party the session was opened for (docs/architecture.md, "OpenID Connect tokens and consent"): only it
   * may refresh it, and its access tokens carry `client_id` and `scope`. Absent or null for a
   * session of Gatehouse's own API (and for every session older than migration 0017).
   */
  client?: SessionClient | null;
}

/** A session's client and the scope values the user granted it. */
export interface SessionClient {
  clientId: string;
  scopes: readonly string[];
}

export type SessionRotation = Pick<SessionRecord,
  'currentHash' | 'previousHash' | 'generation' | 'rotatedAt' | 'rotationFingerprint' | 'expiresAt' | 'lastUsedAt'>;

/**
 * Sessions are always addressed with their user's id, which every caller has from a token: stores
 * may keep a user's sessions together (Redis puts them in one Cluster slot), and a session id
 * guessed for another user finds nothing.
 */
export interface SessionStore {
  /** Throws SessionUserGoneError, storing nothing, when the user was deleted (deleteAllForUser ran for good). */
  create(session: SessionRecord): Promise<void>;
  findById(userId: string, id: string): Promise<SessionRecord | null>;
  /**
   * How many sessions are live (not revoked, not expired) across all users: the admin console's
   * overview. SQL stores only: Redis keeps sessions per user and would have to scan every key.
   */
  countActive?(now: Date): Promise<number>;
  /** What findById would answer, at once, when held in memory; undefined when only findById can tell. */
  cachedById?(userId: string, id: string): SessionRecord | null | undefined;
  /**
   * Compare-and-swap: applies `next` only if the session is not revoked and its current hash is
   * still `expectedHash`. Returns whether it did; of concurrent callers exactly one wins.
   */
  rotate(userId: string, id: string, expectedHash: string, next: SessionRotation): Promise<boolean>;
  /** Sessions of a user that are neither revoked nor expired, newest first. */
  listActiveForUser(userId: string, now: Date): Promise<SessionRecord[]>;
  revoke(userId: string, id: string, now: Date): Promise<void>;
  /** Revokes every session of the user except `exceptId`; returns how many. */
  revokeAllForUser(userId: string, now: Date, exceptId?: string): Promise<number>;
  /**
   * Deletes every session of the user, revoked or not, with its address and user agent: the
   * account is being deleted. Returns how many were not revoked, as revokeAllForUser would. A login
   * racing the deletion cannot leave one behind: create refuses the user afterwards (SQL: the
   * user's row is gone; Redis: a deletion mark that outlives any login in flight).
   */
  deleteAllForUser(userId: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}

/** A session and its user, read together: what SessionStore.findById and UserStore.findById would answer. */
export type SessionAndUserRead = (userId: string, sessionId: string) => Promise<{ session: SessionRecord | null; user: UserRecord | null }>;

/**
 * What a flow writes together, all or nothing: a state change and the mail that tells of it (one
 * SQL transaction). Only store calls may run inside: no hashing, no network, no waiting for a turn.
 */
export interface AccountWrites {
  users: Pick<UserStore, 'create' | 'findById' | 'update' | 'delete'> & {
    /**
     * Deletes the user unless they are the last active holder of `role` (the last admin): the
     * holders are counted under a lock, so two such deletions at once cannot both pass.
     */
    deleteUnlessLastOfRole(id: string, role: string): Promise<'deleted' | 'not_found' | 'last'>;
  };
  oneTimeTokens: OneTimeTokenStore;
  /** `markSent` deletes a row: a flow that must look busy without mailing anyone writes one and takes it back. */
  outbox: Pick<OutboxStore, 'enqueue' | 'markSent' | 'deleteForRecipient'>;
}

export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  oneTimeTokens: OneTimeTokenStore;
  outbox: OutboxStore;
  /** The audit log's records, in the SQL database whichever store holds sessions. */
  audit: AuditStore;
  /** Webhook endpoints, in the SQL database. */
  webhooks: WebhookStore;
  /** Runs `work` in one transaction of the SQL database: it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (writes: AccountWrites) => Promise<T>): Promise<T>;
  /** Identities linked from other providers and their logins in flight (always in the SQL database). */
  federation: FederationStore;
  /** Present when users and sessions share a network SQL database: both in one round trip. */
  sessionAndUser?: SessionAndUserRead;
  /** WebAuthn credentials and the challenges of their ceremonies, in the SQL database. */
  passkeys: PasskeyStore;
  webauthnChallenges: WebAuthnChallengeStore;
  /** Removing a passkey or an identity while the account keeps a way to log in (always SQL). */
  loginMethods: LoginMethodStore;
  /** Second factors and pending logins live in the SQL database, whichever store holds sessions. */
  factors: FactorStore;
  loginChallenges: LoginChallengeStore;
  /** Bulk reads and batched writes of `gatehouse user import` and POST /admin/users/import. */
  userImport: UserImportStore;
  /** The OpenID Connect provider's stored clients, in the SQL database. */
  oauthClients: OAuthClientStore;
  /** Each user's consent to each client, in the SQL database. */
  consentGrants: ConsentGrantStore;
  /** The ID-token signing keys, sealed, in the SQL database (docs/architecture.md, "OpenID Connect tokens and consent"). */
  oidcKeys: OidcKeyStore;
  /** Brute-force counters where this deployment keeps shared state (memory or Redis). */
  createRateLimits(rules: RateLimitRules): RateLimits;
  /** Throws when a backend cannot be reached (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
