// What the core's use cases are built from: the stores, the token signer, the hasher, the limits,
// the clock and the audit sink. compose.ts makes one of each; every factory names the part it needs.
import type { AuditSink } from './audit.js';
import type { Clock } from './clock.js';
import type { ClientFingerprint } from './sessions/fingerprint.js';
import type { PasswordHasher } from './passwords/hasher.js';
import type { BreachedPasswords } from './passwords/breached.js';
import type { Tokens } from './tokens/tokens.js';
import type { RateLimits } from '../storage/types/rate-limits.js';
import type { SessionAndUserRead, SessionStore, UserStore } from '../storage/types/stores.js';
import type { FactorStore, LoginChallengeStore } from '../storage/types/factors.js';

export interface CoreDeps {
  users: UserStore;
  sessions: SessionStore;
  /** Both of an authenticated request's reads in one, when the stores offer it (Stores.sessionAndUser). */
  sessionAndUser?: SessionAndUserRead;
  /** Second factors (TOTP, recovery codes) and the pending second steps of logins. */
  factors: FactorStore;
  loginChallenges: LoginChallengeStore;
  tokens: Tokens;
  /** The keyed hash of a request's user agent and address prefix, which a rotation is bound to. */
  fingerprint: ClientFingerprint;
  hasher: PasswordHasher;
  limits: RateLimits;
  clock: Clock;
  /** Where security events go (the server logs and counts them). */
  audit: AuditSink;
  /** The optional HIBP-style range check at register and password change (ASVS 2.1.7). */
  breachedPasswords?: BreachedPasswords;
}

/** Where a request came from, for limits, sessions and audit events. */
export interface RequestContext {
  ip: string;
  /** The per-IP limits' key: the IPv4 address, or the IPv6 /64 (address-bucket.ts). */
  ipKey: string;
  userAgent: string | null;
}

/**
 * Resolves in the event loop's next turn, after the I/O that is waiting (setImmediate). A login
 * awaits it between the steps after its hash (the throttle's bookkeeping, signing, the session
 * write, the answer), so requests that came in meanwhile are answered between them rather than
 * after the lot: under a login flood, /users/me's p99 fell from 0.89–0.90 to 0.77–0.82 ms
 * (docs/benchmarks.md).
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
