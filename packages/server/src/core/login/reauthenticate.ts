// POST /auth/reauthenticate (design §12): a signed-in user proves who they are again, with the
// password or a TOTP code, and the caller's session is replaced by a new one whose auth_time is now
// (as rotate-session-id.ts does for every session of a user, here for the caller's alone): copies of
// the old pair cannot ride on the fresh auth_time. Wrong proofs count toward the per-account limits.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { StartSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { combineAmr, type AuthMethod } from './amr.js';
import type { PasswordCheck } from './password-check.js';
import type { SecondFactors } from './second-factors.js';
import type { LoginThrottle } from './throttle.js';
import { mfaThrottleKey } from './verify-second-factor.js';

/** One of the two: the password, or a code of `factor` (default totp). */
export interface ReauthenticationProof {
  password?: string;
  code?: string;
  factor?: 'totp';
}

interface Steps {
  checkPassword: PasswordCheck;
  throttle: LoginThrottle;
  secondFactors: SecondFactors;
  startSession: StartSession;
}

export function createReauthentication({ sessions, clock, audit }: Pick<CoreDeps, 'sessions' | 'clock' | 'audit'>, steps: Steps) {
  async function proveCode(userId: string, code: string, factor: 'totp'): Promise<readonly AuthMethod[]> {
    const attempt = await steps.throttle.begin(mfaThrottleKey(userId));
    const passed = await steps.secondFactors.verify(userId, factor, code, clock.now())
      .catch(async (error: unknown) => { await steps.throttle.release(attempt); throw error; });
    if (!passed) {
      await steps.throttle.failed(attempt).catch(() => undefined);
      throw new AuthError('invalid_mfa_code', 'The code is incorrect.');
    }
    await steps.throttle.succeeded(attempt);
    return steps.secondFactors.amrOf(factor);
  }

  async function prove({ user }: Authenticated, proof: ReauthenticationProof, ctx: RequestContext): Promise<readonly AuthMethod[]> {
    if (proof.password !== undefined && proof.code === undefined) {
      await steps.checkPassword(user, user.username, proof.password, ctx.ip).catch((error: unknown) => {
        throw error instanceof AuthError && error.code === 'invalid_credentials'
          ? new AuthError('invalid_current_password', 'The password is incorrect.') : error;
      });
      return ['pwd'];
    }
    if (proof.code !== undefined && proof.password === undefined) return proveCode(user.id, proof.code, proof.factor ?? 'totp');
    throw new AuthError('validation_failed', 'Send either password or code.');
  }

  return async function reauthenticate(auth: Authenticated, proof: ReauthenticationProof, ctx: RequestContext): Promise<TokenPair> {
    const { user, claims } = auth;
    let methods: readonly AuthMethod[];
    try {
      methods = await prove(auth, proof, ctx);
    } catch (error) {
      const factor = proof.code === undefined ? 'pwd' : proof.factor ?? 'totp';
      audit({ type: 'reauthentication_failed', method: factor, reason: failureReason(error), userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      throw error;
    }
    const now = new Date(clock.now());
    await sessions.revoke(user.id, claims.sid, now);
    return steps.startSession(user, ctx, 'reauthenticated', { amr: combineAmr(claims.amr ?? [], methods), authTime: now });
  };
}
