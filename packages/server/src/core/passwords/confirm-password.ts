// A signed-in user confirms a sensitive action with their current password: the login's check,
// throttle included, with its own answer (403 invalid_current_password: the caller is logged in);
// or, without one, by a recent sign-in.
import { AuthError } from '../errors.js';
import type { RequestContext } from '../context.js';
import type { PasswordCheck } from '../login/password-check.js';
import type { RecentAuthCheck } from '../login/recent-auth.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { UserRecord } from '../../storage/types/stores.js';

/** The current password when given, else a recent sign-in (403 reauthentication_required). */
export async function confirmPasswordOrRecentAuth(
  steps: { checkPassword: PasswordCheck; requireRecentAuth: RecentAuthCheck },
  auth: Authenticated, password: string | undefined, ctx?: RequestContext,
): Promise<void> {
  if (password === undefined) steps.requireRecentAuth(auth);
  else await confirmCurrentPassword(steps.checkPassword, auth.user, password, ctx);
}

export async function confirmCurrentPassword(
  checkPassword: PasswordCheck, user: UserRecord, password: string, ctx?: RequestContext,
): Promise<void> {
  try {
    await checkPassword(user, user.username, password, ctx?.ip);
  } catch (error) {
    if (error instanceof AuthError && error.code === 'invalid_credentials') {
      throw new AuthError('invalid_current_password', 'The current password is incorrect.');
    }
    throw error;
  }
}
