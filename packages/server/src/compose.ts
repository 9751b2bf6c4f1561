// The composition root: configuration → stores → the core's use cases → the HTTP app. The server
// (main.ts), the CLI and the tests build Gatehouse here; nothing else constructs a service, and
// each part receives the slice of the settings it needs (config/slices.ts).
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import type { Config } from './config/config.js';
import { assertMailDeliverable } from './config/email-settings.js';
import { loadMailTemplates } from './config/mail-templates.js';
import { resolveSecret } from './config/secret.js';
import { loadAccessKeyRing } from './config/signing-keys.js';
import {
  httpSettings, oauthSettings, passwordSettings, sessionSettings, tokenSettings, type OAuthSettings, type PasswordSettings, type SessionSettings,
} from './config/slices.js';
import { createRegistration } from './core/accounts/register.js';
import { createAdminService } from './core/admin/admin.js';
import type { AuditSink } from './core/audit.js';
import type { AuthService } from './core/auth-service.js';
import { systemClock, type Clock } from './core/clock.js';
import type { CoreDeps, RequestContext } from './core/context.js';
import { createAccountService, type AccountService } from './core/email/account-service.js';
import type { EmailDeps } from './core/email/email-deps.js';
import type { MailTemplates } from './core/email/templates.js';
import { createLogin } from './core/login/login.js';
import { createPasswordCheck } from './core/login/password-check.js';
import { createLoginThrottle } from './core/login/throttle.js';
import { createClientCredentialsCheck } from './core/oauth/client-credentials.js';
import { createIntrospection } from './core/oauth/introspect.js';
import type { OAuthService } from './core/oauth/oauth-service.js';
import { createTokenRevocation } from './core/oauth/revoke.js';
import { createBreachedPasswords } from './core/passwords/breached.js';
import { createPasswordChange } from './core/passwords/change-password.js';
import { createPasswordHasher, type PasswordHasher } from './core/passwords/hasher.js';
import { createPasskeyCeremonies, createPasskeyService } from './core/passkeys/passkey-service.js';
import type { PasskeyDeps } from './core/passkeys/passkey-deps.js';
import type { PasskeyProof } from './core/login/reauthenticate.js';
import { createAuthenticator } from './core/sessions/authenticate.js';
import { createClientFingerprint } from './core/sessions/fingerprint.js';
import { createLogout } from './core/sessions/logout.js';
import { createRefresher } from './core/sessions/refresh.js';
import { createSessionIdRotation } from './core/sessions/rotate-session-id.js';
import { createSessionList } from './core/sessions/session-list.js';
import { createSessionStarter } from './core/sessions/start-session.js';
import { createFederationService } from './core/federation/federation-service.js';
import type { AccessKeyRing } from './core/tokens/key-ring.js';
import { deriveKey, deriveSigningKeys } from './core/tokens/keys.js';
import { createTokens } from './core/tokens/tokens.js';
import { createFirstFactorFinisher, tokensOrMfaRequired } from './core/login/finish-first-factor.js';
import { createReauthentication } from './core/login/reauthenticate.js';
import { createRecentAuthCheck } from './core/login/recent-auth.js';
import { createSecondFactors } from './core/login/second-factors.js';
import { createSecondFactorVerification } from './core/login/verify-second-factor.js';
import { createRecoveryCodeCheck, createTotpCheck, type MfaParts } from './core/mfa/factor-checks.js';
import { createFactorManagement } from './core/mfa/manage-factors.js';
import { createRecoveryCodeHasher } from './core/mfa/recovery-codes.js';
import { createSecretBox } from './core/mfa/secret-box.js';
import { createTotpEnrolment } from './core/mfa/totp-enrolment.js';
import type { MfaSettings } from './config/mfa-settings.js';
import type { FactorStore } from './storage/types/factors.js';
import { buildApp } from './http/app.js';
import { createAuditLog } from './http/audit-log.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createMail, type Mail } from './jobs/mail.js';
import { createStores, type StoreOptions } from './storage/create-stores.js';
import type { RateLimits } from './storage/types/rate-limits.js';
import type { Stores, UserRecord } from './storage/types/stores.js';
import type { PasskeyStore } from './storage/types/passkeys.js';
import { hasPassword } from './core/passwords/no-password.js';
import type { FederationStore } from './storage/types/federation.js';

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
  stores: Stores;
  /** Start-up warnings (a development secret, a generated key set, /metrics off in production), for the banner. */
  warnings: string[];
  /** What the mail flows use, and the sender (docs/email.md). */
  mail: Mail;
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
  const audit = createAuditLog(logger, metrics.observeAudit);
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
    keyedHash: keyedHasher(deriveKey(secret, 'one-time-codes')),
  };
  const mfa = { ...mfaParts(deps.factors, secret), settings: config.mfa };
  const passkeyDeps = config.passkeys && passkeyDepsOf(deps, stores, config.passkeys, secret);
  const ceremonies = passkeyDeps && createPasskeyCeremonies(passkeyDeps);
  const { auth, accounts } = createAuthService(deps, sessionSettings(config), passwords, { email, mfa, passkey: ceremonies?.assertion });
  const oauth = oauthSettings(config);
  const app = await buildApp({
    settings: httpSettings(config),
    logger,
    auth,
    accounts: { service: accounts, settings: mail.settings },
    admin: createAdminService({ ...deps, roles: config.roles }),
    oauth: { service: createOAuthService(deps, auth, oauth), settings: oauth },
    // a passkey login ends through the login state machine, like every other login
    passkeys: passkeyDeps && ceremonies && createPasskeyService(passkeyDeps, ceremonies,
      async (user, ctx, factor) => tokensOrMfaRequired(await auth.finishFirstFactor(user, factor, ctx))),
    federation: createFederation({ ...deps, federation: stores.federation, passkeyStore: stores.passkeys }, auth, config, secret, logger),
    metrics,
    audit,
    jwks: { ring: keys.ring, clock },
    ping: () => stores.ping(),
  });
  runMailWorker(app, mail, parts.mailWorker ?? true);
  if (!parts.stores) app.addHook('onClose', async () => stores.close());
  const warnings = [warning, keys.warning, config.metricsNote, oauth.publicUrl ? undefined : METADATA_OFF,
    config.passkeys ? undefined : PASSKEYS_OFF];
  return { app, stores, warnings: warnings.filter((text): text is string => text !== undefined), mail };
}

/** The mail flows' outbox and the sender, over the outbox store, with its metrics and audit events. */
function createMailLayer(config: Readonly<Config>, opened: Opened, sinks: { audit: AuditSink; metrics: Metrics }): Mail {
  sinks.metrics.watchOutbox(() => opened.stores.outbox.counts());
  return createMail({
    settings: config.email, key: deriveKey(opened.secret, 'mail-outbox'), outbox: opened.stores.outbox, templates: opened.templates,
    clock: opened.clock, audit: sinks.audit, observe: sinks.metrics.observeMail, logger: opened.logger,
  });
}

/** The sender runs from ready to close; closing waits for a delivery in flight (bounded), before the stores close. */
function runMailWorker(app: FastifyInstance, mail: Mail, start: boolean): void {
  const worker = mail.worker;
  if (!worker) return;
  if (start) app.addHook('onReady', async () => worker.start());
  app.addHook('preClose', async () => worker.stop());
}

/** Sign-in through other providers: its exchange ends in the login state machine with the first factor `fed`. */
function createFederation(
  deps: CoreDeps & { federation: FederationStore; passkeyStore: PasskeyStore }, auth: AuthService, config: Readonly<Config>, secret: string,
  logger: pino.Logger,
) {
  return createFederationService({
    ...deps, key: deriveKey(secret, 'federation'),
    finishFirstFactor: (user, ctx) => auth.finishFirstFactor(user, 'fed', ctx),
    passkeyCount: async (userId) => (await deps.passkeyStore.listForUser(userId)).length,
    logFailure: (err: unknown) => logger.warn({ err }, 'federated sign-in failed'),
  }, config.federation);
}

const METADATA_OFF = 'PUBLIC_URL is not set: GET /.well-known/oauth-authorization-server (RFC 8414) is not served.';
const PASSKEYS_OFF = 'WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set: passkeys are off (docs/configuration.md, "Passkeys").';

/** What the passkey use cases are built from, when passkeys are on. */
function passkeyDepsOf(deps: CoreDeps, stores: Stores, settings: NonNullable<Config['passkeys']>, secret: string): PasskeyDeps {
  return {
    ...deps, passkeys: stores.passkeys, challenges: stores.webauthnChallenges, settings, decoyKey: deriveKey(secret, 'passkey-decoy'),
    otherLoginMethod: async (user) => hasPassword(user) || (await stores.federation.listIdentities(user.id)).length > 0,
  };
}

/** Revocation over the logout of one session; introspection only for the clients of INTROSPECTION_CLIENTS. */
export function createOAuthService(deps: CoreDeps, auth: Pick<AuthService, 'authenticate' | 'logout'>, settings: OAuthSettings): OAuthService {
  const clients = settings.introspectionClients;
  return {
    revoke: createTokenRevocation({ logout: auth.logout }),
    introspection: clients.length === 0 ? undefined : {
      checkClient: createClientCredentialsCheck(clients),
      introspect: createIntrospection({ ...deps, authenticate: auth.authenticate }, settings),
    },
  };
}

/** What the mail flows take beside the core's parts (core/email/email-deps.ts). */
export type EmailParts = Omit<EmailDeps, keyof CoreDeps>;

/** The secret-keyed parts of second factors: TOTP secrets sealed, recovery codes hashed, each under its own derived key. */
export function mfaParts(factors: FactorStore, secret: string): MfaParts {
  return {
    factors,
    secretBox: createSecretBox(deriveKey(secret, 'totp-secret')),
    hashRecoveryCode: createRecoveryCodeHasher(deriveKey(secret, 'recovery-code')),
  };
}

/** Each use case from its own factory (core/<capability>/), gathered into what the routes call. */
export function createAuthService(
  deps: CoreDeps, sessions: SessionSettings, passwords: Pick<PasswordSettings, 'loginDelay'>,
  { email, mfa, passkey }: { email: EmailParts; mfa: MfaParts & { settings: MfaSettings }; passkey?: PasskeyProof },
): { auth: AuthService; accounts: AccountService } {
  const startSession = createSessionStarter(deps, sessions);
  const throttle = createLoginThrottle(deps.limits, passwords.loginDelay);
  const checkPassword = createPasswordCheck(deps, throttle);
  const { authenticate, authenticateNow } = createAuthenticator(deps);
  const emailDeps: EmailDeps = { ...deps, ...email };
  const secondFactors = createSecondFactors([createTotpCheck(mfa), createRecoveryCodeCheck(mfa)]);
  const machine = { ...deps, secondFactors };
  const finishFirstFactor = createFirstFactorFinisher(machine, startSession);
  const requireRecentAuth = createRecentAuthCheck(deps.clock, mfa.settings.reauthMaxAgeSeconds);
  const rotateSessionId = createSessionIdRotation(deps, startSession);
  const { factorSummary, regenerateRecoveryCodes, removeTotp } = createFactorManagement({ ...deps, ...mfa });
  const auth: AuthService = {
    register: createRegistration(emailDeps, startSession),
    login: createLogin(deps, { checkPassword, finishFirstFactor }, { requireVerifiedEmail: email.settings.verification === 'required' }),
    authenticate,
    authenticateNow,
    refresh: createRefresher(deps, sessions),
    logout: createLogout({ ...deps, authenticate, refreshGraceSeconds: sessions.refreshGraceSeconds }),
    ...createSessionList(deps),
    changePassword: createPasswordChange(deps, { checkPassword, rotateSessionId, requireRecentAuth }),
    finishFirstFactor,
    verifyMfa: createSecondFactorVerification(machine, { startSession, throttle }),
    reauthenticate: createReauthentication(deps, { checkPassword, throttle, secondFactors, startSession, passkey }),
    requireRecentAuth,
    mfa: { factorSummary, regenerateRecoveryCodes, removeTotp, ...createTotpEnrolment({ ...deps, ...mfa }, mfa.settings) },
  };
  const finishEmailLogin = (user: UserRecord, ctx: RequestContext) => finishFirstFactor(user, 'email', ctx);
  return { auth, accounts: createAccountService(emailDeps, { checkPassword, finishEmailLogin, requireRecentAuth }) };
}

/** HMAC-SHA-256 under `key`, hex: one-time codes and password fingerprints are never stored as they are. */
function keyedHasher(key: Buffer) {
  return (text: string) => createHmac('sha256', key).update(text).digest('hex');
}

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

/** The optional HIBP-style range check (PWNED_PASSWORDS_URL); it fails open, with a warning. */
function breachedPasswordCheck(settings: PasswordSettings, logger: pino.Logger) {
  if (!settings.pwnedPasswordsUrl) return undefined;
  return createBreachedPasswords({
    url: settings.pwnedPasswordsUrl, timeoutMs: settings.pwnedPasswordsTimeoutMs,
    onUnavailable: (err: unknown) => logger.warn({ err }, 'breached-password check unavailable: password allowed'),
  });
}
