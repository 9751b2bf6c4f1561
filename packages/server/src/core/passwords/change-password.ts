// A signed-in user changes their password: the current one must be right (or the sign-in recent:
// docs/architecture.md, "Factors"), the new one passes the policy, then every session of the user
// ends, the caller's included, and the caller moves to a new session (rotate-session-id.ts):
// whoever holds a copy of the caller's pair is out too.
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { PasswordCheck } from '../login/password-check.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { RotateSessionId } from '../sessions/rotate-session-id.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { checkPasswordPolicy } from './policy.js';
import { confirmPasswordOrRecentAuth } from './confirm-password.js';
import { combineAmr, parseAmr } from '../login/amr.js';
import type { RecentAuthCheck } from '../login/recent-auth.js';

/** Without currentPassword, the caller's sign-in must be recent (REAUTH_MAX_AGE, core/login/recent-auth.ts). */
export interface PasswordChange {
  currentPassword?: string;
  newPassword: string;
}

export function createPasswordChange(
  deps: Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'audit' | 'breachedPasswords'>,
  steps: { checkPassword: PasswordCheck; rotateSessionId: RotateSessionId; requireRecentAuth: RecentAuthCheck },
) {
  const { users, hasher, clock, audit } = deps;
  /** Answers the pair of the caller's new session. */
  return async function changePassword(auth: Authenticated, input: PasswordChange, ctx: RequestContext): Promise<TokenPair> {
    const { user, claims } = auth;
    await confirmPasswordOrRecentAuth(steps, auth, input.currentPassword, ctx);
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await deps.breachedPasswords?.refuseIfBreached(input.newPassword);
    await users.update(user.id, { passwordHash: await hasher.hash(input.newPassword, ctx?.ip) }, new Date(clock.now()));
    // with the current password just proved, the new session's authentication is now, by password too
    const renewed = input.currentPassword === undefined
      ? { amr: parseAmr((claims.amr ?? []).join(' ')), authTime: new Date((claims.auth_time ?? 0) * 1000) }
      : { amr: combineAmr(claims.amr ?? [], ['pwd']), authTime: new Date(clock.now()) };
    const { pair, revokedSessions } = await steps.rotateSessionId(user, ctx, renewed);
    audit({ type: 'password_changed', revokedSessions, userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
    return pair;
  };
}
