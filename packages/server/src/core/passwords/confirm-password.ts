// A signed-in user confirms a sensitive action with their current password: the login's check,
// throttle included, with its own answer (403 invalid_current_password: the caller is logged in).
import { AuthError } from '../errors.js';
import type { RequestContext } from '../context.js';
import type { PasswordCheck } from '../login/password-check.js';
import type { UserRecord } from '../../storage/types/stores.js';

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
