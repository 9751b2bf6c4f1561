// The seam every login goes through once its first factor passed (password, magic link, external
// provider, passkey): the login state machine either finishes at once, and the session starts here
// (the only path from a login into startSession), or opens a stored challenge for a second factor
// and answers mfa_required. No session exists before the machine is done.
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { StartSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';
import type { AuthMethod } from './amr.js';
import { advance, LOGIN_RULES, type LoginRules, type SecondFactor } from './login-machine.js';
import type { SecondFactors } from './second-factors.js';
import type { LoginChallengeStore } from '../../storage/types/factors.js';
import type { UserRecord } from '../../storage/types/stores.js';

/** The first factors, by their RFC 8176 name: password, email link or code, federation, a passkey (hardware or software key). */
export type FirstFactor = 'pwd' | 'email' | 'fed' | 'hwk' | 'swk';

/** A passkey with user verification is two factors in one: its login needs no second (docs/architecture.md, "Factors"). */
const FIRST_FACTOR_AMR: Readonly<Record<FirstFactor, readonly AuthMethod[]>> = {
  pwd: ['pwd'], email: ['email'], fed: ['fed'], hwk: ['hwk', 'user', 'mfa'], swk: ['swk', 'user', 'mfa'],
};

export interface MfaRequired {
  mfaRequired: { mfa_token: string; factors: SecondFactor[] };
}

export type LoginResult = TokenPair | MfaRequired;

export type FinishFirstFactor = (user: UserRecord, firstFactor: FirstFactor, ctx: RequestContext) => Promise<LoginResult>;

export interface LoginMachineDeps extends Pick<CoreDeps, 'clock' | 'audit'> {
  loginChallenges: LoginChallengeStore;
  secondFactors: SecondFactors;
}

export function createFirstFactorFinisher(
  { clock, audit, loginChallenges, secondFactors }: LoginMachineDeps, startSession: StartSession, rules: LoginRules = LOGIN_RULES,
): FinishFirstFactor {
  return async function finishFirstFactor(user, firstFactor, ctx) {
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    const nowMs = clock.now();
    const enrolled = await secondFactors.enrolled(user.id);
    const next = advance({ step: 'begin' }, { type: 'first_factor', userId: user.id, amr: FIRST_FACTOR_AMR[firstFactor], enrolled, nowMs }, rules);
    if (next.step === 'done') return startSession(user, ctx, 'login_succeeded', { amr: next.amr, authTime: new Date(nowMs) });
    if (next.step !== 'second_factor') throw new AuthError(next.step === 'failed' ? next.code : 'internal_error', 'This login cannot go on.');
    const mfaToken = randomBytes(32).toString('base64url'); // opaque: only its SHA-256 is stored
    await loginChallenges.create({
      tokenHash: hashToken(mfaToken), userId: user.id, state: 'second_factor', amr: next.amr, attempts: 0,
      createdAt: new Date(nowMs), expiresAt: new Date(next.expiresAtMs), finishedAt: null,
    });
    audit({ type: 'mfa_challenge_issued', userId: user.id, firstFactor, factors: enrolled, ...auditOrigin(ctx) });
    return { mfaRequired: { mfa_token: mfaToken, factors: enrolled } };
  };
}

export const isMfaRequired = (result: LoginResult): result is MfaRequired => 'mfaRequired' in result;

/** The token pair of a finished login; a pending one answers 403 mfa_required with {mfa_token, factors}. */
export function tokensOrMfaRequired(result: LoginResult): TokenPair {
  if (!isMfaRequired(result)) return result;
  throw new AuthError('mfa_required', 'A second factor is required: send it to POST /auth/mfa/verify with the mfa_token.', {
    details: result.mfaRequired,
  });
}
