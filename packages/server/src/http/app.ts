// buildApp: the Fastify app with its route table, from services already built (compose.ts builds
// them), without listening. main.ts starts it; tests call app.inject on it.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type onRequestHookHandler } from 'fastify';
import formbody from '@fastify/formbody';
import type { AuditSink } from '../core/audit.js';
import type { AuditReader } from '../core/audit-query.js';
import type { WebhookAdmin } from '../core/webhooks/webhook-admin.js';
import type { WebhookDeliveryLog } from '../core/webhooks/webhook-deliveries.js';
import type { AuthService } from '../core/auth-service.js';
import type { AdminService } from '../core/admin/admin.js';
import type { HttpSettings, OAuthSettings } from '../config/slices.js';
import type { OAuthService } from '../core/oauth/oauth-service.js';
import type { AccountService } from '../core/email/account-service.js';
import type { MailSettings } from '../jobs/mail.js';
import type { PasskeyService } from '../core/passkeys/passkey-service.js';
import { createRequireUser } from './auth-guard.js';
import { createRequireRecentAuth } from './reauth-guard.js';
import { mfaRoutes } from './routes/mfa/mfa.js';
import { errorHandler } from './error-handler.js';
import { registerNotFound } from './not-found.js';
import { checkFormBodies } from './media-types.js';
import { registerSecurity, serverOptions, trustProxyOption } from './security.js';
import { sharedSchemas } from './schemas.js';
import { sharedSerializers } from './serializers.js';
import { auditRateLimits } from './audit-log.js';
import type { Metrics } from './metrics.js';
import { requireRole } from './role-guard.js';
import { registerRoute } from './routes/auth/register.js';
import { loginRoute } from './routes/auth/login.js';
import { tokenRoute } from './routes/token/token.js';
import { refreshRoute } from './routes/auth/refresh.js';
import { logoutRoute } from './routes/auth/logout.js';
import { meRoutes } from './routes/users/me.js';
import { sessionsRoutes } from './routes/users/sessions.js';
import { accountRoutes } from './routes/users/account.js';
import { healthRoutes } from './routes/ops/health.js';
import { rootRoute } from './routes/ops/root.js';
import { jwksRoute, type JwksSource } from './routes/ops/jwks.js';
import { adminRoutes } from './routes/admin/admin.js';
import { adminImportRoute, type ImportUsers } from './routes/admin/import-users.js';
import { adminClientsRoutes } from './routes/admin/clients.js';
import type { ClientRegistry } from '../core/oidc/client-registry.js';
import type { OidcProvider } from '../compose/oidc.js';
import type { ClientCredentialsUseCase } from './routes/token/grants/client-credentials.js';
import type { OidcFlow } from '../compose/oidc-flow.js';
import { metricsRoute } from './routes/ops/metrics.js';
import { oauthRoutes } from './routes/oauth/oauth.js';
import { federationRoutes } from './routes/federation/federation.js';
import type { FederationService } from '../core/federation/federation-service.js';
import { pageRoutes, type PageParts } from './pages/pages.js';
import type { ConsoleParts } from './console/parts.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<HttpSettings>;
    requireUser: onRequestHookHandler;
    /** After requireUser: a sign-in within REAUTH_MAX_AGE, else 403 reauthentication_required. */
    requireRecentAuth: onRequestHookHandler;
  }
}

export interface AppParts {
  settings: Readonly<HttpSettings>;
  logger: FastifyBaseLogger;
  auth: AuthService;
  admin: AdminService;
  /** POST /admin/users/import: core/import/ over the SQL database. */
  importUsers: ImportUsers;
  /** The OpenID Connect provider's clients (docs/oidc.md). */
  clients: ClientRegistry;
  /** POST /token's client_credentials grant for them. */
  clientCredentials?: ClientCredentialsUseCase;
  /** ID tokens, consent, client-bound sessions; undefined when the provider is off (compose/oidc.ts). */
  oidc?: OidcProvider;
  /** The authorization flow, its authorization_code grant and end-session, when the provider is on (compose/oidc-flow.ts). */
  oidcFlow?: OidcFlow;
  /** The account flows, and the mail settings that say which are served (docs/email.md). */
  accounts: { service: AccountService; settings: Readonly<Pick<MailSettings, 'mailEnabled'>> };
  /** Revocation, introspection and the RFC 8414 metadata, with the settings that say which are served. */
  oauth: { service: OAuthService; settings: Readonly<OAuthSettings> };
  /** Passkey registration and login; undefined when passkeys are off (no WEBAUTHN_* settings in production). */
  passkeys?: PasskeyService;
  /** Sign-in through other identity providers (docs/architecture.md, "Federation"). */
  federation: FederationService;
  metrics: Metrics;
  audit: AuditSink;
  /** The stored audit events (GET /admin/audit, GET /users/me/activity); undefined under AUDIT_LOG=off. */
  auditReader?: AuditReader;
  /** The webhook endpoints' admin use cases and delivery log (/admin/webhooks). */
  webhooks?: { admin: WebhookAdmin; deliveries: WebhookDeliveryLog };
  jwks: JwksSource;
  /** Answers when every store does (GET /readyz). */
  ping: () => Promise<void>;
  /** The pages' theme, CSRF key and browser sessions (docs/architecture.md, "Pages"); the rest comes from the parts above. */
  pages: Pick<PageParts, 'theme' | 'csrfKey' | 'secure' | 'browserSessions' | 'publicUrl'>;
  /** What the admin console shows beyond the admin core (docs/console.md); served under ADMIN_CONSOLE=on. */
  console: Pick<ConsoleParts, 'roles' | 'describeUser' | 'outboxCounts' | 'countSessions' | 'clock'>;
}

export async function buildApp(parts: AppParts): Promise<FastifyInstance> {
  const { settings, auth, metrics } = parts;
  const app = Fastify({
    loggerInstance: parts.logger,
    // No per-request log lines on the hot path; security events and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.bodyLimitBytes,
    // TRUST_PROXY: X-Forwarded-For is believed only when set (security.ts explains hop counts).
    trustProxy: trustProxyOption(settings.trustProxy),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() } },
    ...serverOptions(settings),
  });
  app.decorate('config', settings);
  app.decorate('requireUser', createRequireUser(auth));
  app.decorate('requireRecentAuth', createRequireRecentAuth(auth));
  app.decorate('requireRole', requireRole);
  app.decorateRequest('auth', null);
  metrics.registerHooks(app);
  auditRateLimits(app, parts.audit);
  app.setErrorHandler(errorHandler);
  registerNotFound(app); // before any route: it learns each route's methods, for 405 and Allow
  // JSON and forms only: any other body is 415, including Fastify's built-in text/plain.
  app.removeContentTypeParser('text/plain');
  checkFormBodies(app); // before any route: JSON sent as a form (curl -d) gets a 415 that says so
  await registerSecurity(app, settings);
  await app.register(formbody, { bodyLimit: settings.bodyLimitBytes });
  for (const schema of sharedSchemas) app.addSchema(schema);
  if (settings.docs) await (await import('./docs.js')).registerDocs(app); // swagger only when served (idle memory)

  // The route table. The routes of features that may be off are imported only when on (idle memory).
  rootRoute(app);
  registerRoute(app, auth);
  loginRoute(app, auth);
  tokenRoute(app, auth, { clientCredentials: parts.clientCredentials, authorizationCode: parts.oidcFlow?.redeemCode, clients: parts.clients });
  refreshRoute(app, auth);
  logoutRoute(app, auth);
  meRoutes(app, auth);
  sessionsRoutes(app, auth);
  accountRoutes(app, parts.accounts.service);
  if (parts.accounts.settings.mailEnabled) {
    (await import('./routes/email/accounts.js')).emailRoutes(app, parts.accounts.service);
    (await import('./routes/admin/verification.js')).adminVerificationRoute(app, parts.admin, parts.accounts.service);
  }
  if (parts.passkeys) (await import('./routes/passkeys/passkeys.js')).passkeyRoutes(app, parts.passkeys);
  mfaRoutes(app, auth);
  healthRoutes(app, parts.ping);
  if (settings.demo) (await import('./routes/demo.js')).demoRoutes(app);
  jwksRoute(app, parts.jwks);
  oauthRoutes(app, auth, parts.oauth.service, parts.oauth.settings, parts.oidc, parts.clients);
  federationRoutes(app, parts.federation);
  adminRoutes(app, parts.admin);
  adminImportRoute(app, parts.importUsers);
  if (parts.webhooks) (await import('./routes/admin/webhooks.js')).adminWebhookRoutes(app, parts.webhooks.admin, parts.webhooks.deliveries);
  if (parts.auditReader) {
    (await import('./routes/admin/audit.js')).adminAuditRoute(app, parts.auditReader);
    (await import('./routes/users/activity.js')).activityRoute(app, parts.auditReader);
  }
  adminClientsRoutes(app, parts.clients);
  if (parts.oidcFlow) (await import('./routes/oidc/oidc.js')).oidcFlowRoutes(app, { ...parts.oidcFlow, browserSessions: parts.pages.browserSessions });
  pageRoutes(app, {
    ...parts.pages, auth, accounts: parts.accounts.settings.mailEnabled ? parts.accounts.service : undefined, passkeys: parts.passkeys, federation: parts.federation,
  });
  if (parts.oidc) (await import('./routes/users/grants.js')).grantsRoutes(app, parts.oidc.consentGrants, parts.admin);
  if (settings.adminConsole) {
    (await import('./console/console.js')).consoleRoutes(app, {
      ...parts.console, auth, admin: parts.admin, auditReader: parts.auditReader, clients: parts.clients, webhooks: parts.webhooks,
      accounts: parts.accounts.settings.mailEnabled ? parts.accounts.service : undefined,
    });
  }
  if (settings.metrics) metricsRoute(app, metrics.registry);
  return app;
}
