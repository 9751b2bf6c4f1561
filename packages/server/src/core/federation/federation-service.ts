// Sign-in through other identity providers as the HTTP layer sees it (docs/architecture.md,
// "Federation"), built from its use cases: start, callback, exchange, and the account page's
// identities. compose.ts wires it.
import type { FederationSettings } from '../../config/federation-settings.js';
import type { AuditSink } from '../audit.js';
import type { Clock } from '../clock.js';
import type { FinishLogin } from '../login/finish-login.js';
import { createCodeExchange } from './exchange.js';
import { createLoginFinish } from './finish-login.js';
import { createIdentityManagement } from './identities.js';
import { createProviders } from './providers.js';
import { createRedirects } from './redirects.js';
import { createAccountResolver } from './resolve-account.js';
import { createLoginStart } from './start-login.js';
import { createTickets } from './tickets.js';
import type { FederationStore } from '../../storage/types/federation.js';
import type { UserStore } from '../../storage/types/stores.js';
import type { RateLimits } from '../../storage/types/rate-limits.js';
import type { LoginMethodStore } from '../../storage/types/login-methods.js';
import type { CredentialRule } from '../accounts/credential-rule.js';

export interface FederationDeps {
  users: UserStore;
  federation: FederationStore;
  clock: Clock;
  audit: AuditSink;
  limits: RateLimits;
  /** HMAC key of a login's PKCE verifier and nonce (deriveKey(secret, 'federation')). */
  key: Buffer;
  /** The one way a login finishes (core/login/finish-login.ts); an exchange's first factor is `fed`. */
  finishLogin: FinishLogin;
  /** Unlinking counts the account's ways to log in and deletes under one lock. */
  loginMethods: LoginMethodStore;
  logFailure: (error: unknown) => void;
  /** The rule for changing a way in (docs/architecture.md, "Changing a way in"): linking and unlinking follow it. */
  credentials: CredentialRule;
}

export type FederationService = ReturnType<typeof createFederationService>;

export function createFederationService(deps: FederationDeps, settings: FederationSettings) {
  const publicUrl = settings.publicUrl ?? '';
  const providers = createProviders(settings);
  const redirects = createRedirects(settings);
  const tickets = createTickets({ store: deps.federation, clock: deps.clock, key: deps.key });
  const providerName = (id: string) => providers.list().find((provider) => provider.id === id)?.name ?? id;
  const accounts = createAccountResolver({
    ...deps, signup: settings.signup, afterCredentialChange: deps.credentials.after, notifyOwner: deps.credentials.notify, providerName,
  });
  return {
    providers: providers.list,
    start: createLoginStart({ providers, redirects, tickets, limits: deps.limits }),
    finish: createLoginFinish({ providers, redirects, tickets, accounts, audit: deps.audit, publicUrl, logFailure: deps.logFailure }),
    ...createCodeExchange({ tickets, users: deps.users, audit: deps.audit, finishLogin: deps.finishLogin }),
    ...createIdentityManagement({
      federation: deps.federation, providers, redirects, tickets, audit: deps.audit, publicUrl, loginMethods: deps.loginMethods,
      credentials: deps.credentials, accounts,
    }),
    /** Whether the pending-login cookie must be Secure (PUBLIC_URL is https). */
    secureCookie: settings.secureCookie,
  };
}
