// The one way a login finishes (docs/architecture.md, "Login"): every first factor (password,
// magic link, provider, passkey) and the second-factor step end in finishLogin(user, proof, ctx,
// outcome). The login state machine either finishes at once or opens a stored challenge for a
// second factor (mfa_required); a finished login issues its outcome (outcomes.ts), then reads the
// user's credential generation again and takes the outcome back if it moved meanwhile.
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';
import type { AuthMethod } from './amr.js';
import { advance, LOGIN_RULES, type LoginRules } from './login-machine.js';
import type { LoginOutcome, OutcomeIssuers, OutcomeKind, OutcomeResults } from './outcomes.js';
import type { SecondFactor, SecondFactors } from './second-factors.js';
import type { UserRecord } from '../../storage/types/stores.js';

/** The first factors, by their RFC 8176 name: password, email link or code, federation, a passkey (hardware or software key). */
export type FirstFactor = 'pwd' | 'email' | 'fed' | 'hwk' | 'swk';

/** A passkey with user verification is two factors in one (docs/architecture.md, "Login"): its login needs no second. */
const FIRST_FACTOR_AMR: Readonly<Record<FirstFactor, readonly AuthMethod[]>> = {
  pwd: ['pwd'], email: ['email'], fed: ['fed'], hwk: ['hwk', 'user', 'mfa'], swk: ['swk', 'user', 'mfa'],
};

/**
 * What the user proved: a first factor, or a second factor that finished a stored challenge (its
 * `amr` is what the login state machine combined). `user` must be the record read when the proof
 * was checked: its credential generation is the one the login began under. `trusted`: the way
 * proven was the account's before the owner's last proven sign-in (UserRecord.ownerProvenAt);
 * a password and a mailed link always are, a passkey, an identity or a second factor say so.
 */
export type LoginProof =
  | { firstFactor: FirstFactor; trusted?: boolean }
  | { secondFactor: SecondFactor; amr: readonly AuthMethod[]; trusted?: boolean };

/** Ways a stolen access token cannot add: a password (its change needs the proof) and the account's mailbox. */
const ALWAYS_TRUSTED: readonly AuthMethod[] = ['pwd', 'email'];

const isTrusted = (proof: LoginProof): boolean =>
  proof.trusted ?? ('firstFactor' in proof ? ALWAYS_TRUSTED.includes(proof.firstFactor) : proof.amr.some((m) => ALWAYS_TRUSTED.includes(m)));

export interface MfaRequired {
  mfaRequired: { mfa_token: string; factors: SecondFactor[] };
}

export type LoginResult<K extends OutcomeKind = OutcomeKind> = OutcomeResults[K] | MfaRequired;

export type FinishLogin = <K extends OutcomeKind>(
  user: UserRecord, proof: LoginProof, ctx: RequestContext, outcome: LoginOutcome<K>,
) => Promise<LoginResult<K>>;

export interface FinishLoginDeps extends Pick<CoreDeps, 'users' | 'clock' | 'audit' | 'loginChallenges'> {
  secondFactors: SecondFactors;
}

export interface FinishLoginOptions {
  /** EMAIL_VERIFICATION=required: only a mailed proof (which verifies the address) logs in an unverified address. */
  requireVerifiedEmail: boolean;
  rules?: LoginRules;
}

export function createLoginFinisher(deps: FinishLoginDeps, issuers: OutcomeIssuers, options: FinishLoginOptions): FinishLogin {
  const { users, clock, audit, loginChallenges, secondFactors } = deps;
  const rules = options.rules ?? LOGIN_RULES;

  /**
   * Opens the second step: only the opaque token's SHA-256 is stored. A credential change
   * abandons the user's pending challenges after its bump; one stored after that sees the bump
   * here and is abandoned too, as a session would be ended.
   */
  async function challenge(user: UserRecord, firstFactor: FirstFactor, amr: readonly AuthMethod[], enrolled: SecondFactor[], expiresAtMs: number, ctx: RequestContext): Promise<MfaRequired> {
    const mfaToken = randomBytes(32).toString('base64url');
    const tokenHash = hashToken(mfaToken);
    await loginChallenges.create({
      tokenHash, userId: user.id, state: 'second_factor', amr, attempts: 0,
      createdAt: new Date(clock.now()), expiresAt: new Date(expiresAtMs), finishedAt: null,
      credentialGeneration: user.credentialGeneration,
    });
    await unlessCredentialsChanged(user, () => loginChallenges.finish(tokenHash, 'abandoned', new Date(clock.now())).then(() => undefined));
    audit({ type: 'mfa_challenge_issued', userId: user.id, firstFactor, factors: enrolled, ...auditOrigin(ctx) });
    return { mfaRequired: { mfa_token: mfaToken, factors: enrolled } };
  }

  /**
   * Issues the outcome, then reads the user again: when a credential change (a reset, a password
   * change, anything that called bumpCredentialGeneration) or a deletion came after `user` was
   * read, the outcome is taken back. The change bumps before it ends sessions, so every
   * interleaving ends with the session gone: ended by the change, or undone here.
   */
  async function issue<K extends OutcomeKind>(user: UserRecord, amr: readonly AuthMethod[], ctx: RequestContext, outcome: LoginOutcome<K>, trusted: boolean): Promise<OutcomeResults[K]> {
    const authTime = new Date(clock.now());
    const issued = await issuers[outcome.kind](user, { amr, authTime }, ctx, outcome);
    await unlessCredentialsChanged(user, issued.undo);
    // the owner signed in with a way the account trusted: what was added before now is theirs to keep
    // through a remedy (docs/architecture.md, "Changing a way in")
    if (trusted) await users.markOwnerProven(user.id, authTime);
    return issued.result;
  }

  /** Reads the user again; when the generation moved, or the user is gone or disabled, runs `undo` and refuses. */
  async function unlessCredentialsChanged(user: UserRecord, undo: () => Promise<void>): Promise<void> {
    const now = await users.findById(user.id);
    if (now && !now.disabled && now.credentialGeneration === user.credentialGeneration) return;
    await undo();
    throw new AuthError('credentials_changed', 'The account\'s credentials changed while this login was under way: log in again.');
  }

  return async function finishLogin(user, proof, ctx, outcome) {
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    if ('secondFactor' in proof) return issue(user, proof.amr, ctx, outcome, isTrusted(proof));
    if (options.requireVerifiedEmail && proof.firstFactor !== 'email' && !user.emailVerified) {
      throw new AuthError('email_not_verified', 'Verify your email address first: follow the link mailed to you, or ask for a new one.');
    }
    const enrolled = await secondFactors.enrolled(user.id);
    const nowMs = clock.now();
    const next = advance({ step: 'begin' }, { type: 'first_factor', userId: user.id, amr: FIRST_FACTOR_AMR[proof.firstFactor], enrolled, nowMs }, rules);
    if (next.step === 'done') return issue(user, next.amr, ctx, outcome, isTrusted(proof));
    if (next.step !== 'second_factor') throw new AuthError(next.step === 'failed' ? next.code : 'internal_error', 'This login cannot go on.');
    return challenge(user, proof.firstFactor, next.amr, enrolled, next.expiresAtMs, ctx);
  };
}

export const isMfaRequired = (result: LoginResult): result is MfaRequired => typeof result === 'object' && 'mfaRequired' in result;

/** The token pair of a finished login; a pending one answers 403 mfa_required with {mfa_token, factors}. */
export function tokensOrMfaRequired(result: LoginResult<'session'>): TokenPair {
  if (!isMfaRequired(result)) return result;
  throw new AuthError('mfa_required', 'A second factor is required: send it to POST /auth/mfa/verify with the mfa_token.', {
    details: result.mfaRequired,
  });
}
