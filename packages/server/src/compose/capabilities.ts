// The optional capabilities as compose.ts wires them: the mail layer and its sender, sign-in through
// other providers, passkeys, the OAuth 2.0 surface and the breached-password check; each from its
// slice of the settings and the core's parts.
import type { FastifyInstance } from 'fastify';
import type { pino } from 'pino';
import type { Config } from '../config/config.js';
import type { OAuthSettings, PasswordSettings } from '../config/slices.js';
import type { AuditSink } from '../core/audit.js';
import type { AuthService } from '../core/auth-service.js';
import type { Clock } from '../core/clock.js';
import type { CoreDeps } from '../core/context.js';
import type { MailTemplates } from '../core/email/templates.js';
import { createFederationService } from '../core/federation/federation-service.js';
import { createClientCredentialsCheck } from '../core/oauth/client-credentials.js';
import { createIntrospection } from '../core/oauth/introspect.js';
import type { OAuthService } from '../core/oauth/oauth-service.js';
import { createTokenRevocation } from '../core/oauth/revoke.js';
import type { PasskeyDeps } from '../core/passkeys/passkey-deps.js';
import { createBreachedPasswords } from '../core/passwords/breached.js';
import { deriveKey } from '../core/tokens/keys.js';
import type { Metrics } from '../http/metrics.js';
import { createMail, type Mail } from '../jobs/mail.js';
import type { OutboxWorker } from '../jobs/outbox-worker.js';
import type { FederationStore } from '../storage/types/federation.js';
import type { LoginMethodStore } from '../storage/types/login-methods.js';
import type { Stores } from '../storage/types/stores.js';

/** What the mail layer is built over. */
export interface MailParts {
  stores: Stores;
  secret: string;
  templates: MailTemplates;
  clock: Clock;
  logger: pino.Logger;
}

/** The mail flows' outbox and the sender, over the outbox store, with its metrics and audit events. */
export function createMailLayer(config: Readonly<Config>, opened: MailParts, sinks: { audit: AuditSink; metrics: Metrics }): Mail {
  sinks.metrics.watchOutbox(() => opened.stores.outbox.counts());
  return createMail({
    settings: config.email, key: deriveKey(opened.secret, 'mail-outbox'), outbox: opened.stores.outbox, templates: opened.templates,
    clock: opened.clock, audit: sinks.audit, observe: sinks.metrics.observeMail, logger: opened.logger,
  });
}

/** The sender runs from ready to close; closing waits for a delivery in flight (bounded), before the stores close. */
export function runMailWorker(app: FastifyInstance, mail: Mail, start: boolean): void {
  if (mail.worker) runWorker(app, mail.worker, start);
}

/** A job outbox worker runs from ready to close; closing waits for its deliveries (bounded), before the stores close. */
export function runWorker(app: FastifyInstance, worker: OutboxWorker, start: boolean): void {
  if (start) app.addHook('onReady', async () => worker.start());
  app.addHook('preClose', async () => worker.stop());
}

/** Sign-in through other providers: its exchange ends in the one way a login finishes, with the first factor `fed`. */
export function createFederation(
  deps: CoreDeps & { federation: FederationStore; loginMethods: LoginMethodStore }, auth: AuthService, config: Readonly<Config>, secret: string,
  logger: pino.Logger,
) {
  return createFederationService({
    ...deps, key: deriveKey(secret, 'federation'),
    finishLogin: auth.finishLogin,
    logFailure: (err: unknown) => logger.warn({ err }, 'federated sign-in failed'),
    credentials: auth.credentials,
  }, config.federation);
}

/** What the passkey use cases are built from, when passkeys are on. */
export function passkeyDepsOf(deps: CoreDeps, stores: Stores, settings: NonNullable<Config['passkeys']>, secret: string): PasskeyDeps {
  return {
    ...deps, passkeys: stores.passkeys, challenges: stores.webauthnChallenges, settings, decoyKey: deriveKey(secret, 'passkey-decoy'),
    loginMethods: stores.loginMethods,
  };
}

/** Revocation over the logout of one session; introspection only for the clients of INTROSPECTION_CLIENTS. */
/** `registeredClients`: the OpenID Connect provider is on, so its clients may introspect their own tokens. */
export function createOAuthService(
  deps: CoreDeps, auth: Pick<AuthService, 'authenticate' | 'logout'>, settings: OAuthSettings, registeredClients = false,
): OAuthService {
  const clients = settings.introspectionClients;
  return {
    revoke: createTokenRevocation({ ...deps, logout: auth.logout }),
    introspection: clients.length === 0 && !registeredClients ? undefined : {
      checkClient: createClientCredentialsCheck(clients),
      introspect: createIntrospection({ ...deps, authenticate: auth.authenticate }, settings),
    },
  };
}

/** The optional HIBP-style range check (PWNED_PASSWORDS_URL); it fails open, with a warning. */
export function breachedPasswordCheck(settings: PasswordSettings, logger: pino.Logger) {
  if (!settings.pwnedPasswordsUrl) return undefined;
  return createBreachedPasswords({
    url: settings.pwnedPasswordsUrl, timeoutMs: settings.pwnedPasswordsTimeoutMs,
    onUnavailable: (err: unknown) => logger.warn({ err }, 'breached-password check unavailable: password allowed'),
  });
}
