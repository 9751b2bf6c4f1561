// A user's own factors after enrolment: what they have, new recovery codes (the old ones die), and
// removing TOTP (recovery codes go with it). Both changes sit behind re-authentication at the route.
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { MfaParts } from './factor-checks.js';
import { generateRecoveryCodes } from './recovery-codes.js';
import type { FactorStore } from '../../storage/types/factors.js';

/** What a user has enrolled, for the user and for admins (never a secret or a code). */
export interface FactorSummary {
  totp: { confirmed: boolean; created_at: string } | null;
  recovery_codes_remaining: number;
}

export async function summarizeFactors(factors: FactorStore, userId: string): Promise<FactorSummary> {
  const [totp, remaining] = await Promise.all([factors.findTotp(userId), factors.countUnusedRecoveryCodes(userId)]);
  return {
    totp: totp && { confirmed: totp.confirmedAt !== null, created_at: totp.createdAt.toISOString() },
    recovery_codes_remaining: remaining,
  };
}

export function createFactorManagement(deps: MfaParts & Pick<CoreDeps, 'clock' | 'audit'>) {
  const { factors, hashRecoveryCode, clock, audit } = deps;
  return {
    factorSummary: (userId: string) => summarizeFactors(factors, userId),

    async regenerateRecoveryCodes({ user, claims }: Authenticated, ctx: RequestContext): Promise<{ recovery_codes: string[] }> {
      if (!(await factors.findTotp(user.id))?.confirmedAt) throw new AuthError('totp_not_enrolled', 'Recovery codes come with TOTP: set it up first.');
      const codes = generateRecoveryCodes();
      await factors.replaceRecoveryCodes(user.id, codes.map(hashRecoveryCode), new Date(clock.now()));
      audit({ type: 'mfa_recovery_codes_regenerated', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      return { recovery_codes: codes };
    },

    async removeTotp({ user, claims }: Authenticated, ctx: RequestContext): Promise<void> {
      if (!(await factors.deleteAll(user.id))) throw new AuthError('totp_not_enrolled', 'TOTP is not set up.');
      audit({ type: 'mfa_removed', factor: 'totp', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
    },
  };
}
