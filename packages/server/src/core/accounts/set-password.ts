// Setting a user's password without the current one (an operator's reset, from the CLI): the
// password policy applies as at registration, every session of the user ends, and, as after every
// remedy, nothing pending stays: an address change, reset and magic links (docs/architecture.md, "Changing a way in").
import { AuthError } from '../errors.js';
import { checkPasswordPolicy } from '../passwords/policy.js';
import type { Clock } from '../clock.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { BreachedPasswords } from '../passwords/breached.js';
import type { SessionStore, UserStore } from '../../storage/types/stores.js';
import type { OneTimeTokenStore } from '../../storage/types/one-time-tokens.js';
import { PENDING_PURPOSES } from './credential-aftermath.js';
import type { LoginChallengeStore } from '../../storage/types/factors.js';
import type { RemoveUnprovenWays } from './unproven-ways.js';

export interface SetPasswordDeps {
  users: UserStore;
  sessions: SessionStore;
  loginChallenges: Pick<LoginChallengeStore, 'abandonForUser'>;
  hasher: PasswordHasher;
  clock: Clock;
  breachedPasswords?: BreachedPasswords;
  oneTimeTokens: Pick<OneTimeTokenStore, 'deleteForUser'>;
  removeUnproven: RemoveUnprovenWays;
}

/**
 * Replaces the password hash, then revokes every session: whoever held one may be the reason for
 * the reset (ASVS 3.3.3). Returns how many sessions ended.
 */
export async function setAccountPassword(deps: SetPasswordDeps, userId: string, password: string): Promise<number> {
  const user = await deps.users.findById(userId);
  if (!user) throw new AuthError('user_not_found', 'No such user.');
  checkPasswordPolicy(password, { username: user.username, email: user.email });
  await deps.breachedPasswords?.refuseIfBreached(password);
  const passwordHash = await deps.hasher.hash(password);
  const updated = await deps.users.update(userId, { passwordHash }, new Date(deps.clock.now()));
  if (!updated) throw new AuthError('user_not_found', 'No such user.');
  // the new password moved the credential generation; now what the old one started ends (docs/architecture.md, "Login")
  await deps.loginChallenges.abandonForUser(userId, new Date(deps.clock.now()));
  for (const purpose of PENDING_PURPOSES) await deps.oneTimeTokens.deleteForUser(userId, purpose);
  const ended = await deps.sessions.revokeAllForUser(userId, new Date(deps.clock.now()));
  await deps.removeUnproven(userId, 'proven');
  return ended;
}
