// A signed-in user changes (or, on an account without one, sets) their password: a change of a way
// in (docs/architecture.md, "Changing a way in"): the current password or a recent sign-in, one covering
// the account's second factor when it has one; the new one passes the policy; then the aftermath:
// every session ends, the caller's included, and the caller moves to a new session.
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { checkPasswordPolicy } from './policy.js';
import { hasPassword } from './no-password.js';
import { authOfClaims, combineAmr } from '../login/amr.js';
import type { CredentialRule } from '../accounts/credential-rule.js';

/** Without currentPassword, the caller's sign-in must be recent (REAUTH_MAX_AGE, core/accounts/credential-proof.ts). */
export interface PasswordChange {
  currentPassword?: string;
  newPassword: string;
}

export function createPasswordChange(
  deps: Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'audit' | 'breachedPasswords'>, credentials: CredentialRule,
) {
  const { users, hasher, clock, audit } = deps;
  /** Answers the pair of the caller's new session. */
  return async function changePassword(auth: Authenticated, input: PasswordChange, ctx: RequestContext): Promise<TokenPair> {
    const { user, claims } = auth;
    await credentials.proof.requireOrPassword(auth, input.currentPassword, ctx);
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await deps.breachedPasswords?.refuseIfBreached(input.newPassword);
    await users.update(user.id, { passwordHash: await hasher.hash(input.newPassword, ctx?.ip) }, new Date(clock.now()));
    // a remedy: the ways in added since the owner's previous proven sign-in go (core/accounts/unproven-ways.ts)
    const signedInAt = claims.auth_time === undefined ? 'proven' as const : { signedInAt: new Date(claims.auth_time * 1000) };
    await credentials.removeUnproven(user.id, signedInAt, ctx);
    // with the current password just proved, the new session's authentication is now, by password too
    const rotate = input.currentPassword === undefined
      ? authOfClaims(claims)
      : { amr: combineAmr(claims.amr ?? [], ['pwd']), authTime: new Date(clock.now()) };
    const change = hasPassword(user) ? 'password_changed' : 'password_set';
    const { pair, revokedSessions } = await credentials.after(user, change, { rotate, sessionId: claims.sid }, ctx);
    audit({ type: 'password_changed', revokedSessions, userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
    return pair!;
  };
}
