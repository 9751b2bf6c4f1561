// @gatehouse-auth/client: hold and refresh Gatehouse tokens in browsers and Node, with no dependencies.
// Every public name is listed here.
export { createAuthClient } from './create-auth-client.js';
export type {
  AuthClient, AuthClientOptions, Credentials, FederationMethods, LogoutScope, PasswordChange, Registration, User,
} from './create-auth-client.js';
export type { EmailChange, MagicLinkProof, PasswordReset } from './email-flows.js';
export type { AccountExport, ProfileChange } from './profile.js';
export type { IdentityProvider, LinkedIdentity } from './federation.js';
export { memoryStorage, localStorageAdapter, customStorage, DEFAULT_STORAGE_KEY } from './storage.js';
export type { TokenStorage, KeyValueStore } from './storage.js';
export { AuthClientError, MfaRequiredError } from './errors.js';
export { SECOND_FACTORS } from './mfa.js';
export type { FactorSummary, Reauthentication, SecondFactor, TotpEnrolment } from './mfa.js';
export type { Passkey } from './passkeys.js';
export type { AuthEvents } from './events.js';
export { decodeClaims } from './tokens.js';
export type { AccessClaims, SessionInfo, StoredTokens } from './tokens.js';
