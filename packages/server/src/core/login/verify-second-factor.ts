// POST /auth/mfa/verify: the second step of a login. The stored challenge is read, judged by the
// login state machine, charged one attempt by compare-and-swap before any code is checked (so
// parallel guesses share the 5), checked against the per-account failure limits under their own
// key, and finished by compare-and-swap before the login finishes (finish-login.ts, the one way a
// login ends): an mfa_token makes one session.
import { AuthError, type ErrorCode } from '../errors.js';
import { auditOrigin, failureReason } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';
import { parseAmr } from './amr.js';
import { isMfaRequired, tokensOrMfaRequired, type FinishLogin, type FinishLoginDeps } from './finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind, type OutcomeResults } from './outcomes.js';
import { advance, LOGIN_RULES, type LoginRules, type LoginState } from './login-machine.js';
import type { LoginThrottle } from './throttle.js';
import { isSecondFactor } from './second-factors.js';
import type { LoginChallengeRecord } from '../../storage/types/factors.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface MfaVerifyRequest {
  mfaToken: string;
  factor: string;
  code: string;
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_mfa_token: 'This mfa_token is unknown or was already used: log in again.',
  mfa_token_expired: 'This mfa_token has expired: log in again.',
  mfa_attempts_exceeded: 'Too many wrong codes for this mfa_token: log in again.',
  factor_not_enrolled: 'This account has no such second factor.',
  invalid_mfa_code: 'The code is incorrect.',
  user_disabled: 'This account is disabled.',
  credentials_changed: 'The account\'s credentials changed while this login was under way: log in again.',
};

const fail = (code: ErrorCode): AuthError => new AuthError(code, MESSAGES[code] ?? 'This login cannot go on.');

/**
 * The second-factor failures of one account count under their own throttle key: a password success
 * resets the password's, and must not hand a code guesser a fresh allowance (core/login/throttle.ts).
 */
export const mfaThrottleKey = (userId: string): string => `mfa:${userId}`;

type Deps = Omit<FinishLoginDeps, 'users'> & Pick<CoreDeps, 'users' | 'limits' | 'factors'>;

export function createSecondFactorVerification(
  deps: Deps, steps: { finishLogin: FinishLogin; throttle: LoginThrottle }, rules: LoginRules = LOGIN_RULES,
) {
  const { users, limits, clock, audit, loginChallenges, secondFactors } = deps;

  /** A challenge that cannot go on is abandoned (compare-and-swap: a finished one stays finished). */
  async function abandon(challenge: LoginChallengeRecord, code: ErrorCode): Promise<never> {
    await loginChallenges.finish(challenge.tokenHash, 'abandoned', new Date(clock.now()));
    throw fail(code);
  }

  /** The attempt's charge was refused: someone else finished, spent or outlived the challenge meanwhile. */
  async function whyNoAttempt(tokenHash: string): Promise<never> {
    const now = await loginChallenges.findByHash(tokenHash);
    if (!now || now.state !== 'second_factor') throw fail('invalid_mfa_token');
    return abandon(now, now.expiresAt.getTime() <= clock.now() ? 'mfa_token_expired' : 'mfa_attempts_exceeded');
  }

  async function verify<K extends OutcomeKind>(input: MfaVerifyRequest, ctx: RequestContext, trail: { userId?: string }, outcome: LoginOutcome<K>): Promise<OutcomeResults[K]> {
    await limits.consume('credentialsPerIp', ctx.ipKey);
    const challenge = await loginChallenges.findByHash(hashToken(input.mfaToken));
    if (!challenge || challenge.state !== 'second_factor') throw fail('invalid_mfa_token');
    trail.userId = challenge.userId;
    const nowMs = clock.now();
    const state: LoginState = {
      step: 'second_factor', userId: challenge.userId, amr: parseAmr(challenge.amr.join(' ')),
      attempts: challenge.attempts + 1, expiresAtMs: challenge.expiresAt.getTime(),
    };
    const user = await users.findById(challenge.userId);
    if (!user || user.disabled) return abandon(challenge, user ? 'user_disabled' : 'invalid_mfa_token');
    // the first factor was proven under the generation the challenge keeps: a change since (a reset
    // whose abandonForUser has not run yet) voids it (docs/architecture.md, "Login")
    if (challenge.credentialGeneration !== null && challenge.credentialGeneration !== user.credentialGeneration) return abandon(challenge, 'credentials_changed');
    const enrolled = await secondFactors.enrolled(user.id);
    const judge = (passed: boolean) => advance(state, {
      type: 'second_factor', factor: input.factor, enrolled, amr: secondFactors.amrOf(input.factor), passed, nowMs,
    }, rules);
    const before = judge(false); // what the machine says without the code: expired, exhausted, no such factor
    if (before.step === 'failed') return abandon(challenge, before.code);
    const { factor } = input; // a name the user has enrolled is one of SECOND_FACTORS
    if (!isSecondFactor(factor) || (before.step === 'second_factor' && before.refused === 'factor_not_enrolled')) throw fail('factor_not_enrolled');
    if (!(await loginChallenges.addAttempt(challenge.tokenHash, new Date(nowMs), rules.maxAttempts))) return whyNoAttempt(challenge.tokenHash);

    const after = await steps.throttle.check(mfaThrottleKey(user.id),
      async () => judge(await secondFactors.verify(user.id, input.factor, input.code, nowMs)), (next) => next.step === 'done');
    if (after.step !== 'done') throw fail('invalid_mfa_code');
    if (!(await loginChallenges.finish(challenge.tokenHash, 'done', new Date(nowMs)))) throw fail('invalid_mfa_token');
    audit({ type: 'mfa_verified', factor, userId: user.id, ...auditOrigin(ctx) });
    const trusted = await provesOwner(user, after.amr);
    const result = await steps.finishLogin(user, { secondFactor: factor, amr: after.amr, trusted }, ctx, outcome);
    if (isMfaRequired(result)) tokensOrMfaRequired(result as never); // a second factor finishes the login: never here
    return result as OutcomeResults[K];
  }

  /**
   * Whether the login proves the owner (docs/architecture.md, "Changing a way in"): a password or a
   * mail did, or the TOTP (recovery codes come with it) was the account's by the last proven sign-in.
   */
  async function provesOwner(user: UserRecord, amr: readonly string[]): Promise<boolean> {
    if (amr.includes('pwd') || amr.includes('email')) return true;
    const confirmedAt = (await deps.factors.findTotp(user.id))?.confirmedAt;
    return confirmedAt != null && confirmedAt.getTime() <= user.ownerProvenAt.getTime();
  }

  /** The second step for any outcome (the pages ask for a browser session). Success is audited by the session's start (login_succeeded, amr with mfa); each failure here. */
  async function verifyFor<K extends OutcomeKind>(input: MfaVerifyRequest, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<OutcomeResults[K]> {
    const trail: { userId?: string } = {};
    try {
      return await verify(input, ctx, trail, outcome);
    } catch (error) {
      audit({ type: 'mfa_failed', factor: input.factor, reason: failureReason(error), userId: trail.userId, ...auditOrigin(ctx) });
      throw error;
    }
  }

  return {
    verifyMfa: (input: MfaVerifyRequest, ctx: RequestContext): Promise<TokenPair> => verifyFor(input, ctx, START_SESSION),
    verifyMfaFor: verifyFor,
  };
}
