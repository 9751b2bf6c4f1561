// The passkey use cases as the HTTP layer (and the factors that accept a passkey) see them, built
// from their factories over one set of dependencies. compose.ts calls createPasskeyService.
import { createAuthenticationOptions } from './authentication-options.js';
import { createChallenges } from './challenges.js';
import { createPasskeyManagement } from './manage-passkeys.js';
import type { PasskeyDeps } from './passkey-deps.js';
import type { FinishLogin } from '../login/finish-login.js';
import { createAuditedAssertion, createPasskeyLogin } from './passkey-login.js';
import { createPasskeyRegistration } from './registration.js';
import { createAssertionCheck } from './verify-assertion.js';

/** The challenges and the checked, audited assertion: what re-authentication needs before the login exists. */
export function createPasskeyCeremonies(deps: PasskeyDeps) {
  const challenges = createChallenges(deps);
  return { challenges, assertion: createAuditedAssertion(deps, createAssertionCheck(deps, challenges)) };
}

export type PasskeyCeremonies = ReturnType<typeof createPasskeyCeremonies>;

export function createPasskeyService(deps: PasskeyDeps, { challenges, assertion }: PasskeyCeremonies, finishLogin: FinishLogin) {
  const registration = createPasskeyRegistration(deps, challenges);
  return {
    registrationOptions: registration.options,
    register: registration.register,
    ...createPasskeyManagement(deps),
    ...createAuthenticationOptions(deps, challenges),
    login: createPasskeyLogin(deps, assertion, finishLogin),
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
