// Checks a password against a user, or against a dummy when there is none, so that both take the
// same time (no enumeration: docs/architecture.md, "Users and passwords"); failures count per account.
import { AuthError } from '../errors.js';
import { loginKey } from '../accounts/user-rules.js';
import type { CoreDeps } from '../context.js';
import type { LoginThrottle } from './throttle.js';
import type { UserRecord } from '../../storage/types/stores.js';

/** `source` is the client's IP address, for its share of the hash queue (hash-queue.ts). */
export type PasswordCheck = (user: UserRecord | null, login: string, password: string, source?: string) => Promise<UserRecord>;

export function createPasswordCheck(
  { users, hasher, clock }: Pick<CoreDeps, 'users' | 'hasher' | 'clock'>, throttle: LoginThrottle,
): PasswordCheck {
  /** Whether the password is right; a dummy is checked when there is no user, and answers false. */
  async function matches(user: UserRecord | null, password: string, source?: string): Promise<{ ok: boolean; needsRehash: boolean }> {
    if (user) return hasher.verify(user.passwordHash, password, source);
    await hasher.verifyDummy(password, source);
    return { ok: false, needsRehash: false };
  }

  /** Replaces a weaker hash, if the queue has room: when it has not, a later login does it. */
  async function upgrade(user: UserRecord, password: string, source?: string): Promise<void> {
    const stronger = await hasher.hash(password, source).catch((error: unknown) => {
      if (error instanceof AuthError && error.code === 'overloaded') return undefined;
      throw error;
    });
    // only if the hash is still the one just verified: a password change in between wins
    if (stronger) await users.replacePasswordHash(user.id, user.passwordHash, stronger, new Date(clock.now()));
  }

  return async function checkPassword(user, login, password, source) {
    // Keyed by what was typed, known user or not: a key by user id would tell, through the
    // lockout, that a username and an email belong to one account. The key is the one the user
    // was looked up by, so every spelling that reaches the account shares its lockout.
    // a throw (shed by the hash queue) checked no password, and counts against nothing
    const outcome = await throttle.check(loginKey(login), () => matches(user, password, source), (result) => result.ok);
    if (!user || !outcome.ok) throw new AuthError('invalid_credentials', 'Incorrect username, email or password.');
    if (outcome.needsRehash) await upgrade(user, password, source);
    return user;
  };
}
