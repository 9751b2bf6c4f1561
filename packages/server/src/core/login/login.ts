// Password login (JSON /auth/login and the OAuth2 password grant): per-IP limit, the password
// check, an active account, then the login state machine (finish-first-factor.ts): a token pair, or
// 403 mfa_required when a second factor is due. Every failure leaves one audit event.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason } from '../audit.js';
import { nextTurn, type CoreDeps, type RequestContext } from '../context.js';
import { loginKey } from '../accounts/user-rules.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type FinishFirstFactor, type LoginResult } from './finish-first-factor.js';
import type { PasswordCheck } from './password-check.js';

export interface LoginRequest {
  /** A username or an email. */
  login: string;
  password: string;
}

export function createLogin(
  { users, limits, audit }: Pick<CoreDeps, 'users' | 'limits' | 'audit'>,
  steps: { checkPassword: PasswordCheck; finishFirstFactor: FinishFirstFactor },
  /** EMAIL_VERIFICATION=required: an unverified address logs in by mail only (a magic link proves it). */
  options: { requireVerifiedEmail: boolean } = { requireVerifiedEmail: false },
) {
  async function login(input: LoginRequest, ctx: RequestContext, trail: { userId?: string }): Promise<LoginResult> {
    await limits.consume('credentialsPerIp', ctx.ipKey);
    const key = loginKey(input.login); // the throttle in checkPassword keys by the same
    const found = await users.findByLogin(key);
    trail.userId = found?.id;
    const user = await steps.checkPassword(found, key, input.password, ctx.ip);
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    if (options.requireVerifiedEmail && !user.emailVerified) {
      throw new AuthError('email_not_verified', 'Verify your email address first: follow the link mailed to you, or ask for a new one.');
    }
    await nextTurn();
    return steps.finishFirstFactor(user, 'pwd', ctx);
  }

  /** Success is audited by startSession, a due second factor by the challenge; each failure here, with its reason. */
  return async function auditedLogin(input: LoginRequest, ctx: RequestContext): Promise<TokenPair> {
    const trail: { userId?: string } = {};
    let result: LoginResult;
    try {
      result = await login(input, ctx, trail);
    } catch (error) {
      audit({ type: 'login_failed', reason: failureReason(error), userId: trail.userId, ...auditOrigin(ctx) });
      throw error;
    }
    return tokensOrMfaRequired(result); // mfa_required is no failure: the password was right
  };
}
