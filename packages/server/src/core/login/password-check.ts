// Checks a password against a user, or against a dummy when there is none, so that both take the
// same time (no enumeration: docs/architecture.md, "Users and passwords"); failures count per account.
import { AuthError } from '../errors.js';
import { loginKey } from '../accounts/user-rules.js';
import type { CoreDeps } from '../context.js';
import type { LoginThrottle } from './throttle.js';
import type { UserRecord } from '../../storage/types/stores.js';

export type PasswordCheck = (user: UserRecord | null, login: string, password: string) => Promise<UserRecord>;

export function createPasswordCheck(
  { users, hasher, clock }: Pick<CoreDeps, 'users' | 'hasher' | 'clock'>, throttle: LoginThrottle,
): PasswordCheck {
  return async function checkPassword(user, login, password) {
    // Keyed by what was typed, known user or not: a key by user id would tell, through the
    // lockout, that a username and an email belong to one account. The key is the one the user
    // was looked up by, so every spelling that reaches the account shares its lockout.
    const accountKey = loginKey(login);
    await throttle.begin(accountKey);
    if (!user) {
      await hasher.verifyDummy(password);
    } else {
      const { ok, needsRehash } = await hasher.verify(user.passwordHash, password);
      if (ok) {
        await throttle.succeeded(accountKey);
        // only if the hash is still the one just verified: a password change in between wins
        if (needsRehash) await users.replacePasswordHash(user.id, user.passwordHash, await hasher.hash(password), new Date(clock.now()));
        return user;
      }
    }
    await throttle.failed(accountKey).catch(() => undefined); // the answer stays invalid_credentials
    throw new AuthError('invalid_credentials', 'Incorrect username, email or password.');
  };
}
