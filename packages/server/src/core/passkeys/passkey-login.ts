// Signing in with a passkey, the second step (supabase/auth passkey_authentication.go): a verified
// assertion finishes the login by itself, as multi-factor (the key is possessed and
// the authenticator verified its user), so it never answers mfa_required. Every use and failure
// leaves an audit event.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { auditOrigin, failureReason, type PasskeyPurpose } from '../audit.js';
import type { RequestContext } from '../context.js';
import type { AuthMethod } from '../login/amr.js';
import { isMfaRequired, tokensOrMfaRequired, type FinishLogin } from '../login/finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind, type OutcomeResults } from '../login/outcomes.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { passkeyAmr, passkeyFactor, type PasskeyDeps } from './passkey-deps.js';
import type { VerifiedAssertion, VerifyAssertion } from './verify-assertion.js';

export function createAuditedAssertion({ audit }: Pick<PasskeyDeps, 'audit'>, verifyAssertion: VerifyAssertion) {
  return async function auditedAssertion(
    response: AuthenticationResponseJSON, ctx: RequestContext, purpose: Exclude<PasskeyPurpose, 'register'>, forUserId?: string,
  ): Promise<VerifiedAssertion & { amr: AuthMethod[] }> {
    try {
      const verified = await verifyAssertion(response, ctx, forUserId);
      audit({ type: 'passkey_used', purpose, passkeyId: verified.passkey.id, userId: verified.user.id, ...auditOrigin(ctx) });
      return { ...verified, amr: passkeyAmr(verified.passkey.deviceType) };
    } catch (error) {
      audit({ type: 'passkey_failed', purpose, reason: failureReason(error), userId: forUserId, ...auditOrigin(ctx) });
      throw error;
    }
  };
}

export type AuditedAssertion = ReturnType<typeof createAuditedAssertion>;

export function createPasskeyLogin({ limits }: Pick<PasskeyDeps, 'limits'>, assertion: AuditedAssertion, finishLogin: FinishLogin) {
  /** For any outcome (the passkey page asks for a browser session); a passkey finishes the login by itself. */
  async function passkeyLoginFor<K extends OutcomeKind>(input: { response: AuthenticationResponseJSON }, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<OutcomeResults[K]> {
    await limits.consume('credentialsPerIp', ctx.ipKey);
    const { user, passkey } = await assertion(input.response, ctx, 'login');
    // a passkey added since the owner's last proven sign-in signs in, but proves no owner (docs/architecture.md, "Changing a way in")
    const trusted = passkey.createdAt.getTime() <= user.ownerProvenAt.getTime();
    const result = await finishLogin(user, { firstFactor: passkeyFactor(passkey.deviceType), trusted }, ctx, outcome);
    if (isMfaRequired(result)) tokensOrMfaRequired(result as never); // never: a passkey is two factors in one
    return result as OutcomeResults[K];
  }
  return {
    login: (input: { response: AuthenticationResponseJSON }, ctx: RequestContext): Promise<TokenPair> => passkeyLoginFor(input, ctx, START_SESSION),
    loginFor: passkeyLoginFor,
  };
}
