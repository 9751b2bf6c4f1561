// POST /auth/reauthenticate (docs/architecture.md, "Factors"): a signed-in user proves who they are
// again, with the password, a TOTP code or a passkey, and the caller's session is replaced by a new
// one whose auth_time is now: copies of
// the old pair cannot ride on the fresh auth_time. Wrong proofs count toward the per-account limits.
// On an account with a second factor or a passkey the password is not enough; a factor set up after
// the session signed in cannot vouch for it; the new amr states only what was just proven
// (docs/architecture.md, "Changing a way in").
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { StartSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { AuthMethod } from './amr.js';
import { hasStrongFactor, type StrongFactors } from '../accounts/credential-proof.js';
import type { PasswordCheck } from './password-check.js';
import type { ReauthenticationFactor, SecondFactors } from './second-factors.js';
import type { LoginThrottle } from './throttle.js';
import { mfaThrottleKey } from './verify-second-factor.js';

/** One of the three: the password, a code of `factor` (default totp), or a passkey's assertion. */
export interface ReauthenticationProof {
  password?: string;
  code?: string;
  factor?: ReauthenticationFactor;
  passkey?: AuthenticationResponseJSON;
}

/** A passkey assertion by `forUserId` (core/passkeys/passkey-login.ts), audited there. */
export type PasskeyProof = (
  response: AuthenticationResponseJSON, ctx: RequestContext, purpose: 'reauthenticate', forUserId: string,
) => Promise<{ amr: readonly AuthMethod[]; passkey: { createdAt: Date } }>;

interface Steps {
  checkPassword: PasswordCheck;
  throttle: LoginThrottle;
  secondFactors: SecondFactors;
  startSession: StartSession;
  /** Absent when passkeys are off. */
  passkey?: PasskeyProof;
  strongFactors(userId: string): Promise<StrongFactors>;
}

const tooNew = () => new AuthError('factor_too_new',
  'This factor was set up after this session signed in, so it cannot vouch for it: sign in again (log out and in).');

/** A factor vouches for a session only if it existed when the session signed in (whole seconds, as auth_time). */
function requireOlder(since: number | null | undefined, authTime: number): void {
  if (since === null || since === undefined || since > authTime) throw tooNew();
}

export function createReauthentication({ sessions, users, tokens, clock, audit }: Pick<CoreDeps, 'sessions' | 'users' | 'tokens' | 'clock' | 'audit'>, steps: Steps) {
  async function proveCode(userId: string, code: string, factor: ReauthenticationFactor): Promise<readonly AuthMethod[]> {
    const passed = await steps.throttle.check(mfaThrottleKey(userId), () => steps.secondFactors.verify(userId, factor, code, clock.now()), (ok) => ok);
    if (!passed) throw new AuthError('invalid_mfa_code', 'The code is incorrect.');
    return steps.secondFactors.amrOf(factor);
  }

  async function prove({ user, claims }: Authenticated, proof: ReauthenticationProof, ctx: RequestContext): Promise<readonly AuthMethod[]> {
    const given = [proof.password, proof.code, proof.passkey].filter((p) => p !== undefined).length;
    if (given !== 1) throw new AuthError('validation_failed', 'Send one of password, code or passkey.');
    const factors = await steps.strongFactors(user.id);
    const authTime = claims.auth_time ?? 0;
    if (proof.passkey !== undefined) {
      if (!steps.passkey) throw new AuthError('validation_failed', 'Passkeys are off on this server: send the password or a code.');
      const { amr, passkey } = await steps.passkey(proof.passkey, ctx, 'reauthenticate', user.id);
      requireOlder(Math.floor(passkey.createdAt.getTime() / 1000), authTime);
      return amr;
    }
    if (proof.password !== undefined) {
      if (hasStrongFactor(factors)) {
        throw new AuthError('stronger_reauthentication_required', 'This account has a second factor or a passkey: re-authenticate with a code or a passkey.');
      }
      await steps.checkPassword(user, user.username, proof.password, ctx.ip).catch((error: unknown) => {
        throw error instanceof AuthError && error.code === 'invalid_credentials'
          ? new AuthError('invalid_current_password', 'The password is incorrect.') : error;
      });
      return ['pwd'];
    }
    if (factors.totpSince !== null) requireOlder(factors.totpSince, authTime);
    return proveCode(user.id, proof.code!, proof.factor ?? 'totp');
  }

  return async function reauthenticate(auth: Authenticated, proof: ReauthenticationProof, ctx: RequestContext): Promise<TokenPair> {
    const { user, claims } = auth;
    let methods: readonly AuthMethod[];
    try {
      methods = await prove(auth, proof, ctx);
    } catch (error) {
      const factor = proof.passkey !== undefined ? 'passkey' : proof.code === undefined ? 'pwd' : proof.factor ?? 'totp';
      audit({ type: 'reauthentication_failed', method: factor, reason: failureReason(error), userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      throw error;
    }
    const now = new Date(clock.now());
    await sessions.revoke(user.id, claims.sid, now);
    const pair = await steps.startSession(user, ctx, 'reauthenticated', { amr: methods, authTime: now });
    // a reset or password change that ran while the proof was checked ends this session too: it moved
    // the credential generation before it ended the sessions (docs/architecture.md, "Login")
    const current = await users.findById(user.id);
    if (current && !current.disabled && current.credentialGeneration === user.credentialGeneration) return pair;
    const { sid } = await tokens.verifyAccessToken(pair.access_token, { nowMs: clock.now() });
    await sessions.revoke(user.id, sid, new Date(clock.now()));
    throw new AuthError('credentials_changed', 'The account\'s credentials changed while this proof was checked: log in again.');
  };
}
