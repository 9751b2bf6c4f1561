// A user's own factors after enrolment: what they have, new recovery codes (the old ones die), and
// removing TOTP (recovery codes go with it). Both are changes of a way in: they need its proof and
// have its aftermath (docs/architecture.md, "Changing a way in").
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { MfaParts } from './factor-checks.js';
import { generateRecoveryCodes } from './recovery-codes.js';
import type { FactorStore } from '../../storage/types/factors.js';
import type { CredentialRule } from '../accounts/credential-rule.js';
import { authOfClaims } from '../login/amr.js';
import type { TokenPair } from '../tokens/token-pair.js';

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

export function createFactorManagement(deps: MfaParts & Pick<CoreDeps, 'clock' | 'audit'>, credentials: CredentialRule) {
  const { factors, hashRecoveryCode, clock, audit } = deps;
  const after = (change: 'recovery_codes_regenerated' | 'totp_removed', { user, claims }: Authenticated, ctx: RequestContext) =>
    credentials.after(user, change, { rotate: authOfClaims(claims), sessionId: claims.sid }, ctx).then(({ pair }) => pair!);
  return {
    factorSummary: (userId: string) => summarizeFactors(factors, userId),

    async regenerateRecoveryCodes(auth: Authenticated, ctx: RequestContext): Promise<{ recovery_codes: string[] } & TokenPair> {
      const { user, claims } = auth;
      await credentials.proof.require(auth);
      if (!(await factors.findTotp(user.id))?.confirmedAt) throw new AuthError('totp_not_enrolled', 'Recovery codes come with TOTP: set it up first.');
      const codes = generateRecoveryCodes();
      await factors.replaceRecoveryCodes(user.id, codes.map(hashRecoveryCode), new Date(clock.now()));
      audit({ type: 'mfa_recovery_codes_regenerated', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      return { recovery_codes: codes, ...(await after('recovery_codes_regenerated', auth, ctx)) };
    },

    async removeTotp(auth: Authenticated, ctx: RequestContext): Promise<TokenPair> {
      const { user, claims } = auth;
      await credentials.proof.require(auth);
      if (!(await factors.deleteAll(user.id))) throw new AuthError('totp_not_enrolled', 'TOTP is not set up.');
      audit({ type: 'mfa_removed', factor: 'totp', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      return after('totp_removed', auth, ctx);
    },
  };
}
