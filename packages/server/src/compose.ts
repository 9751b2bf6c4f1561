// The composition root: configuration → stores → the core's use cases → the HTTP app. The server
// (main.ts), the CLI and the tests build Gatehouse here; nothing else constructs a service, and
// each part receives the slice of the settings it needs (config/slices.ts). The use cases are
// gathered in compose/auth-service.ts, the optional capabilities in compose/capabilities.ts.
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import type { Config } from './config/config.js';
import { assertMailDeliverable } from './config/email-settings.js';
import { loadMailTemplates } from './config/mail-templates.js';
import { resolveSecret } from './config/secret.js';
import { loadAccessKeyRing } from './config/signing-keys.js';
import { httpSettings, oauthSettings, oidcIssuer, passwordSettings, sessionSettings, tokenSettings } from './config/slices.js';
import { createAdminService } from './core/admin/admin.js';
import { createAccountExport } from './core/accounts/export-account.js';
import { createUserImport } from './core/import/import-users.js';
import { createAuditReader } from './core/audit-query.js';
import { createClientRegistry, type ClientRegistry } from './core/oidc/client-registry.js';
import { createClientSecrets } from './core/oidc/client-secrets.js';
import { createClientCredentialsGrant } from './core/oidc/client-credentials-grant.js';
import { declaredClientRecords } from './core/oidc/declared-clients.js';
import { systemClock, type Clock } from './core/clock.js';
import type { CoreDeps } from './core/context.js';
import type { MailTemplates } from './core/email/templates.js';
import { createPasswordHasher, type PasswordHasher } from './core/passwords/hasher.js';
import { createPasskeyCeremonies, createPasskeyService } from './core/passkeys/passkey-service.js';
import { createClientFingerprint } from './core/sessions/fingerprint.js';
import type { AccessKeyRing } from './core/tokens/key-ring.js';
import { deriveKey, deriveSigningKeys } from './core/tokens/keys.js';
import { createTokens } from './core/tokens/tokens.js';
import { buildApp } from './http/app.js';
import { createBrowserSessions } from './http/pages/browser-session.js';
import { createMetrics } from './http/metrics.js';
import type { AuditWriter } from './jobs/audit-writer.js';
import type { Mail } from './jobs/mail.js';
import { createWebhooks, type Webhooks } from './jobs/webhooks.js';
import { createStores, type StoreOptions } from './storage/create-stores.js';
import type { RateLimits } from './storage/types/rate-limits.js';
import type { Stores } from './storage/types/stores.js';
import { createSweeper, sweepTargets, type Sweeper } from './jobs/sweeper.js';
import { createAuditParts } from './compose/audit.js';
import type { OidcProvider } from './compose/oidc.js';
import type { OidcFlow } from './compose/oidc-flow.js';
import type { AuthService } from './core/auth-service.js';
import { createAuthService, keyedHasher, mfaParts, type EmailParts } from './compose/auth-service.js';
import {
  breachedPasswordCheck, createFederation, createMailLayer, createOAuthService, passkeyDepsOf, runMailWorker, runWorker,
} from './compose/capabilities.js';

export { createAuthService, mfaParts, type EmailParts } from './compose/auth-service.js';
export { createOAuthService } from './compose/capabilities.js';

/** What a caller may supply instead of what the settings would build (tests: a fixed clock, a given secret). */
export interface GatehouseParts {
  secret?: string;
  /** Stores the caller owns (and closes); by default they are opened from the settings and closed with the app. */
  stores?: Stores;
  clock?: Clock;
  hasher?: PasswordHasher;
  limits?: RateLimits;
  /** Asymmetric access-token keys; by default loaded for JWT_ALG (none under HS256). */
  accessKeyRing?: AccessKeyRing;
  /** Where log lines go instead of stdout (tests read the audit lines from it). */
  logStream?: DestinationStream;
  /** false: the mail sender does not start with the app (a test drives it with `mail.worker.drain()`). */
  mailWorker?: boolean;
}

export interface Gatehouse {
  app: FastifyInstance;
  /** The auth core the routes were given (tests call its use cases directly). */
  auth: AuthService;
  stores: Stores;
  /** Start-up warnings (a development secret, a generated key set, /metrics off in production, the config's notes), for the banner. */
  warnings: string[];
  /** What the mail flows use, and the sender (docs/email.md). */
  mail: Mail;
  /** The job that deletes what expired in every expiring table (jobs/sweeper.ts). */
  sweeper: Sweeper;
  /** The audit store's writer; undefined under AUDIT_LOG=off (tests flush it before reading the store). */
  auditWriter: AuditWriter | undefined;
  /** The webhook admin use cases and the webhook channel's worker (docs/events.md). */
  webhooks: Webhooks;
  /** The OpenID Connect provider's ID tokens, consent and client sessions; undefined while it is off (compose/oidc.ts). */
  oidc: OidcProvider | undefined;
}

export async function createGatehouse(config: Readonly<Config>, parts: GatehouseParts = {}): Promise<Gatehouse> {
  const clock = parts.clock ?? systemClock;
  assertMailDeliverable(config.email, config.nodeEnv);
  const templates = loadMailTemplates(config.email.templatesDir);
  const logger = createLogger(config, parts.logStream);
  const { secret, warning } = parts.secret ? { secret: parts.secret, warning: undefined } : resolveSecret(config);
  const keys = parts.accessKeyRing ? { ring: parts.accessKeyRing } : await loadAccessKeyRing(config, clock);
  const stores = parts.stores ?? await createStores(storeOptions(config));
  try {
    return await assemble(config, parts, { stores, secret, keys, logger, clock, warning, templates });
  } catch (error) {
    if (!parts.stores) await stores.close().catch(() => undefined); // a failed start leaves no connection open
    throw error;
  }
}

interface Opened {
  stores: Stores;
  secret: string;
  keys: { ring?: AccessKeyRing; warning?: string };
  logger: pino.Logger;
  clock: Clock;
  warning: string | undefined;
  templates: MailTemplates;
}

/** The use cases over the opened stores, then the app. */
async function assemble(config: Readonly<Config>, parts: GatehouseParts, opened: Opened): Promise<Gatehouse> {
  const { stores, secret, keys, logger, clock, warning } = opened;
  const metrics = createMetrics();
  const webhooks = createWebhooks({
    endpoints: stores.webhooks, outbox: stores.outbox, key: deriveKey(secret, 'webhook-secrets'), clock, logger,
    allowPrivate: config.audit.webhooksAllowPrivateNetworks, production: config.nodeEnv === 'production',
    audit: (event) => auditParts.audit(event), // the webhooks subscribe to the audit log, and tell it of given-up messages
  });
  const auditParts = createAuditParts(config.audit, { store: stores.audit, clock, logger, metrics: metrics.observeAudit, also: [webhooks.subscriber] });
  const { audit } = auditParts;
  const mail = createMailLayer(config, opened, { audit, metrics });
  const passwords = passwordSettings(config);
  const deps: CoreDeps = {
    users: stores.users,
    sessions: stores.sessions,
    sessionAndUser: stores.sessionAndUser,
    factors: stores.factors,
    loginChallenges: stores.loginChallenges,
    tokens: createTokens({ ...deriveSigningKeys(secret), accessKeyRing: keys.ring }, tokenSettings(config)),
    fingerprint: createClientFingerprint(deriveKey(secret, 'fingerprint')),
    hasher: metrics.instrumentHasher(parts.hasher ?? (await createPasswordHasher({
      maxConcurrent: passwords.hashConcurrency, queue: { maxWaiting: passwords.hashQueueMax, perAddress: passwords.hashQueuePerAddress },
    }))),
    limits: parts.limits ?? stores.createRateLimits(config.rateLimits),
    clock,
    audit,
    breachedPasswords: breachedPasswordCheck(passwords, logger),
  };
  const email: EmailParts = {
    transaction: stores.transaction, oneTimeTokens: stores.oneTimeTokens, mailer: mail.outbox, settings: mail.settings,
    keyedHash: keyedHasher(deriveKey(secret, 'one-time-codes')), webhooks: webhooks.transactional,
  };
  const mfa = { ...mfaParts(deps.factors, secret), settings: config.mfa };
  const passkeyDeps = config.passkeys && passkeyDepsOf(deps, stores, config.passkeys, secret);
  const ceremonies = passkeyDeps && createPasskeyCeremonies(passkeyDeps);
  const { auth, accounts } = createAuthService(deps, sessionSettings(config), passwords, {
    email, mfa, passkey: ceremonies?.assertion, exportFrom: { passkeys: stores.passkeys, federation: stores.federation },
    waysIn: { passkeys: stores.passkeys, federation: stores.federation, loginMethods: stores.loginMethods },
  });
  const oauth = oauthSettings(config);
  const clients = clientRegistry(config, stores, secret, deps);
  const { oidc, oidcFlow } = await oidcParts(config, clients, stores, secret, deps);
  const app = await buildApp({
    settings: httpSettings(config),
    logger,
    auth,
    accounts: { service: accounts, settings: mail.settings },
    admin: createAdminService({ ...deps, roles: config.roles, transaction: stores.transaction, webhooks: webhooks.transactional }),
    importUsers: createUserImport({ store: stores.userImport, sessions: stores.sessions, clock, roles: config.roles, audit }),
    clients,
    clientCredentials: createClientCredentialsGrant({ ...deps, clients }, config.accessTokenTtlSeconds),
    oidc,
    oidcFlow,
    oauth: { service: createOAuthService(deps, auth, oauth, oidc !== undefined), settings: oauth },
    passkeys: passkeyDeps && ceremonies && createPasskeyService(passkeyDeps, ceremonies, auth.finishLogin, auth.credentials),
    federation: createFederation({ ...deps, federation: stores.federation, loginMethods: stores.loginMethods }, auth, config, secret, logger),
    metrics,
    audit,
    webhooks: { admin: webhooks.admin, deliveries: webhooks.deliveries },
    auditReader: config.audit.store ? createAuditReader(stores.audit) : undefined,
    jwks: { ring: keys.ring, idTokenRing: oidc?.idTokenKeys, clock },
    ping: () => stores.ping(),
    pages: pageParts(config, deps, secret),
    console: {
      roles: config.roles, clock, outboxCounts: () => stores.outbox.counts(),
      countSessions: stores.sessions.countActive?.bind(stores.sessions),
      describeUser: createAccountExport({ ...deps, passkeys: stores.passkeys, federation: stores.federation }),
    },
  });
  runMailWorker(app, mail, parts.mailWorker ?? true);
  const sweeper = createSweeper({ targets: sweepTargets(stores, config.audit.store ? config.audit.retentionSeconds : undefined), clock, log: logger });
  app.addHook('onReady', async () => sweeper.start());
  app.addHook('preClose', async () => sweeper.stop());
  runWorker(app, webhooks.worker, parts.mailWorker ?? true);
  // the audit events still queued are written before the stores close (or before the caller closes them)
  app.addHook('onClose', async () => {
    await auditParts.writer?.close();
    if (!parts.stores) await stores.close();
  });
  const warnings = [warning, keys.warning, config.metricsNote, oauth.publicUrl ? undefined : METADATA_OFF,
    config.passkeys ? undefined : PASSKEYS_OFF, ...(config.notes ?? [])];
  return {
    app, auth, stores, warnings: warnings.filter((text): text is string => text !== undefined), mail, sweeper, auditWriter: auditParts.writer, webhooks,
    oidc,
  };
}

/**
 * The OpenID Connect provider and its flow when it is on (compose/oidc.ts, compose/oidc-flow.ts);
 * their modules (ID tokens, consent, the authorization flow) are imported only then (idle memory).
 */
async function oidcParts(config: Readonly<Config>, clients: ClientRegistry, stores: Stores, secret: string, deps: CoreDeps): Promise<{
  oidc: OidcProvider | undefined; oidcFlow: OidcFlow | undefined;
}> {
  if (oidcIssuer(config) === undefined) return { oidc: undefined, oidcFlow: undefined };
  const [{ createOidcProvider }, { createOidcFlow }] = await Promise.all([import('./compose/oidc.js'), import('./compose/oidc-flow.js')]);
  const oidc = createOidcProvider(config, stores, secret, deps);
  return { oidc, oidcFlow: createOidcFlow(oidc, clients, stores, deps, deriveKey(secret, 'oidc-code')) };
}

/** The OpenID Connect provider's clients: those of OIDC_CLIENTS and the stored ones. */
function clientRegistry(config: Readonly<Config>, stores: Stores, secret: string, { clock, audit }: CoreDeps) {
  const secrets = createClientSecrets(deriveKey(secret, 'oauth-client-secret'));
  const declared = declaredClientRecords(config.oidcClients, secrets, new Date(clock.now()));
  return createClientRegistry({ store: stores.oauthClients, declared, secrets, sessions: stores.sessions, clock, audit });
}

/** The pages' theme, their CSRF key and the browser sessions, each key derived under its own label (docs/architecture.md, "Pages"). */
function pageParts(config: Readonly<Config>, deps: CoreDeps, secret: string) {
  const secure = config.publicUrl?.startsWith('https:') ?? false;
  return {
    theme: config.pages,
    publicUrl: config.publicUrl,
    csrfKey: deriveKey(secret, 'page-csrf'),
    secure,
    browserSessions: createBrowserSessions({ ...deps, key: deriveKey(secret, 'browser-session'), secure }),
  };
}

const METADATA_OFF = 'PUBLIC_URL is not set: GET /.well-known/oauth-authorization-server (RFC 8414) is not served.';
const PASSKEYS_OFF = 'WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set: passkeys are off (docs/configuration.md, "Passkeys").';

export function storeOptions(
  config: Pick<Config, 'databaseUrl' | 'autoMigrate' | 'redisUrl' | 'redisClusterNodes' | 'redisKeyPrefix'>, migrate = config.autoMigrate,
): StoreOptions {
  return {
    databaseUrl: config.databaseUrl,
    migrate,
    redis: { url: config.redisUrl, clusterNodes: config.redisClusterNodes, keyPrefix: config.redisKeyPrefix },
  };
}

function createLogger(config: Pick<Config, 'logLevel'>, stream?: DestinationStream) {
  const options = { level: config.logLevel, redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' } };
  return stream ? pino(options, stream) : pino(options);
}

