// Password login (JSON /auth/login and the OAuth2 password grant): per-IP limit, the password
// check, then the one way a login finishes (finish-login.ts): a token pair, or 403 mfa_required
// when a second factor is due. Every failure leaves one audit event.
import { auditOrigin, failureReason } from '../audit.js';
import { nextTurn, type CoreDeps, type RequestContext } from '../context.js';
import { loginKey } from '../accounts/user-rules.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type FinishLogin, type LoginResult } from './finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind } from './outcomes.js';
import type { PasswordCheck } from './password-check.js';

export interface LoginRequest {
  /** A username or an email. */
  login: string;
  password: string;
}

export function createLogin(
  { users, limits, audit }: Pick<CoreDeps, 'users' | 'limits' | 'audit'>,
  steps: { checkPassword: PasswordCheck; finishLogin: FinishLogin },
) {
  async function login<K extends OutcomeKind>(input: LoginRequest, ctx: RequestContext, trail: { userId?: string }, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    await limits.consume('credentialsPerIp', ctx.ipKey);
    const key = loginKey(input.login); // the throttle in checkPassword keys by the same
    const found = await users.findByLogin(key);
    trail.userId = found?.id;
    const user = await steps.checkPassword(found, key, input.password, ctx.ip);
    await nextTurn();
    // a disabled account, or an unverified address under EMAIL_VERIFICATION=required, is refused there
    return steps.finishLogin(user, { firstFactor: 'pwd' }, ctx, outcome);
  }

  /**
   * The password login for any outcome (the pages ask for a browser session): the outcome's
   * result, or {mfaRequired}. Success is audited by startSession, a due second factor by the
   * challenge; each failure here, with its reason.
   */
  async function signIn<K extends OutcomeKind>(input: LoginRequest, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    const trail: { userId?: string } = {};
    try {
      return await login(input, ctx, trail, outcome);
    } catch (error) {
      audit({ type: 'login_failed', reason: failureReason(error), userId: trail.userId, ...auditOrigin(ctx) });
      throw error;
    }
  }

  /** The JSON login: a token pair; mfa_required is no failure (the password was right), it answers 403 with the challenge. */
  async function auditedLogin(input: LoginRequest, ctx: RequestContext): Promise<TokenPair> {
    return tokensOrMfaRequired(await signIn(input, ctx, START_SESSION));
  }
  return { login: auditedLogin, signIn };
}
