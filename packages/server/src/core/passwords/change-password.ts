// A signed-in user changes their password: the current one must be right, the new one passes the
// policy, and every other session of the user ends.
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { PasswordCheck } from '../login/password-check.js';
import type { Authenticated } from '../sessions/authenticate.js';
import { checkPasswordPolicy } from './policy.js';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export function createPasswordChange(
  deps: Pick<CoreDeps, 'users' | 'sessions' | 'hasher' | 'clock' | 'audit' | 'breachedPasswords'>, checkPassword: PasswordCheck,
) {
  const { users, sessions, hasher, clock, audit } = deps;
  return async function changePassword(auth: Authenticated, input: PasswordChange, ctx?: RequestContext): Promise<void> {
    const { user, claims } = auth;
    try {
      await checkPassword(user, user.username, input.currentPassword, ctx?.ip);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'invalid_credentials') {
        throw new AuthError('invalid_current_password', 'The current password is incorrect.');
      }
      throw error;
    }
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await deps.breachedPasswords?.refuseIfBreached(input.newPassword);
    await users.update(user.id, { passwordHash: await hasher.hash(input.newPassword, ctx?.ip) }, new Date(clock.now()));
    const revokedSessions = await sessions.revokeAllForUser(user.id, new Date(clock.now()), claims.sid);
    audit({ type: 'password_changed', revokedSessions, userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
  };
}
