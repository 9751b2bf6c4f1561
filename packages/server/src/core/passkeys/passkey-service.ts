// The passkey use cases as the HTTP layer (and the factors that accept a passkey) see them, built
// from their factories over one set of dependencies. compose.ts calls createPasskeyService.
import { createAuthenticationOptions } from './authentication-options.js';
import { createChallenges } from './challenges.js';
import { createPasskeyManagement } from './manage-passkeys.js';
import type { PasskeyDeps } from './passkey-deps.js';
import type { FinishLogin } from '../login/finish-login.js';
import { createAuditedAssertion, createPasskeyLogin } from './passkey-login.js';
import { createPasskeyRegistration, type PasskeyRegistration } from './registration.js';
import { createAssertionCheck } from './verify-assertion.js';
import type { CredentialRule } from '../accounts/credential-rule.js';
import { authOfClaims } from '../login/amr.js';
import type { RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { TokenPair } from '../tokens/token-pair.js';

/** The challenges and the checked, audited assertion: what re-authentication needs before the login exists. */
export function createPasskeyCeremonies(deps: PasskeyDeps) {
  const challenges = createChallenges(deps);
  return { challenges, assertion: createAuditedAssertion(deps, createAssertionCheck(deps, challenges)) };
}

export type PasskeyCeremonies = ReturnType<typeof createPasskeyCeremonies>;

/**
 * Adding and removing a passkey are changes of a way in (docs/architecture.md, "Changing a way in"):
 * each needs its proof, and answers with its aftermath's new pair for the caller.
 */
export function createPasskeyService(
  deps: PasskeyDeps, { challenges, assertion }: PasskeyCeremonies, finishLogin: FinishLogin, credentials: CredentialRule,
) {
  const registration = createPasskeyRegistration(deps, challenges);
  const management = createPasskeyManagement(deps);
  const after = async (auth: Authenticated, change: 'passkey_added' | 'passkey_removed', ctx: RequestContext): Promise<TokenPair> =>
    (await credentials.after(auth.user, change, { rotate: authOfClaims(auth.claims), sessionId: auth.claims.sid }, ctx)).pair!;
  return {
    async registrationOptions(auth: Authenticated) {
      await credentials.proof.require(auth);
      return registration.options(auth.user);
    },
    async register(auth: Authenticated, input: PasskeyRegistration, ctx: RequestContext) {
      await credentials.proof.require(auth);
      const passkey = await registration.register(auth.user, input, ctx);
      return { passkey, pair: await after(auth, 'passkey_added', ctx) };
    },
    list: management.list,
    rename: management.rename,
    async remove(auth: Authenticated, id: string, ctx: RequestContext): Promise<TokenPair> {
      await credentials.proof.require(auth);
      await management.remove(auth.user.id, id, ctx);
      return after(auth, 'passkey_removed', ctx);
    },
    ...createAuthenticationOptions(deps, challenges),
    ...createPasskeyLogin(deps, assertion, finishLogin),
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
