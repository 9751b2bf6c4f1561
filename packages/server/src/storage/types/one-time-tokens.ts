// One-time tokens for mailed links (docs/architecture.md, "Mail"): stored only as the
// SHA-256 of the token, bound to a purpose and a user, single use by compare-and-swap, and
// superseded by a newer token of the same purpose.
import type { SingleUseTimes } from './single-use.js';

export type OneTimePurpose = 'verify_email' | 'reset_password' | 'change_email' | 'magic_link';

export interface OneTimeTokenRecord extends SingleUseTimes {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  tokenHash: string;
  purpose: OneTimePurpose;
  userId: string;
  /**
   * What the token was issued for, checked when it is used: the address to verify (verify_email),
   * the new address (change_email), a keyed hash of the password hash (reset_password: a changed
   * password kills the token). Null when the purpose needs none.
   */
  subject: string | null;
  /** magic_link: a keyed hash of the 6-digit code mailed with the link. */
  codeHash: string | null;
  /** Failed code attempts (magic_link): past the limit the token is dead. */
  attempts: number;
  consumedAt: Date | null;
}

export interface OneTimeTokenStore {
  /**
   * Stores a token and deletes the user's other unconsumed tokens of the same purpose (a newer link
   * supersedes older ones).
   */
  issue(token: OneTimeTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<OneTimeTokenRecord | null>;
  /** The user's newest unconsumed token of a purpose that has not expired at `now`. */
  findLatest(userId: string, purpose: OneTimePurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  /**
   * Compare-and-swap: marks the token consumed at `now` only if it is unconsumed, unexpired and of
   * `purpose`. Of concurrent callers exactly one gets true.
   */
  consume(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<boolean>;
  /** Counts one failed code attempt; answers the count after it, or null when the token is gone. */
  addAttempt(tokenHash: string): Promise<number | null>;
  /** Deletes every token of a user of a purpose (a password change kills pending resets). */
  deleteForUser(userId: string, purpose: OneTimePurpose): Promise<number>;
  /** Deletes tokens expired or consumed before `before`. */
  deleteExpired(before: Date): Promise<number>;
}
