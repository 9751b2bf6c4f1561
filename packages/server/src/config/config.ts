// Every setting, read from the environment (and a .env file) once at start, checked, and frozen.
// The only module that reads process.env (docs/architecture.md, "Configuration"). A bad value stops
// the start with a message that names the variable.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { RateLimitRules } from '../storage/types/rate-limits.js';
import type { HashPriority } from '../pool-priority.js';
import { ConfigError } from './config-error.js';
import { parseDuration, reader, type Env, type Reader } from './env-reader.js';
import { readEmailSettings, type EmailSettings } from './email-settings.js';
import { readIntrospectionClients, readPublicUrl, type IntrospectionClient } from './oauth-settings.js';
import { readPasskeySettings, type PasskeySettings } from './passkey-settings.js';
import { readFederationSettings, type FederationSettings } from './federation-settings.js';
import { readOidcClients, type DeclaredClient } from './oidc-settings.js';
import { readMfaSettings, type MfaSettings } from './mfa-settings.js';
import { readMetricsProtection, readRoles } from './access-settings.js';
import { ConfigErrors } from './config-error.js';
import { misspeltSettings, recordingEnv } from './setting-names.js';
import { assertMailDeliverable } from './email-settings.js';
import { SECRET_HINT } from './secret.js';
import { readAuditSettings, type AuditSettings } from './audit-settings.js';
import { readPageSettings, type PageSettings } from './page-settings.js';

export { ConfigError, ConfigErrors, parseDuration };

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  /** From GATEHOUSE_SECRET; undefined means "use the development secret file" (see secret.ts). */
  secret: string | undefined;
  issuer: string;
  audience: string | undefined;
  /** Access-token algorithm: HS256 with the derived access key, or an asymmetric key with a kid and a JWKS. */
  jwtAlg: 'HS256' | 'EdDSA' | 'ES256' | 'RS256';
  /** PEM private key(s) for an asymmetric jwtAlg; unset means the key set file in dataDir. */
  jwtPrivateKeyFile: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  refreshGraceSeconds: number;
  clockToleranceSeconds: number;
  /**
   * Whether POST /token's refresh grant needs the access token too (TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN);
   * false lets RFC 6749 §6 clients send the refresh token alone. POST /auth/refresh always needs both.
   */
  tokenRefreshRequiresAccessToken: boolean;
  /** Where clients reach Gatehouse (PUBLIC_URL), for the RFC 8414 metadata; undefined in production until set. */
  publicUrl: string | undefined;
  /** Mail: SMTP, links, templates, the mail features and token lifetimes (config/email-settings.ts). */
  email: Readonly<EmailSettings>;
  /** Resource servers that may call POST /oauth/introspect (INTROSPECTION_CLIENTS); none = the endpoint is off. */
  introspectionClients: readonly IntrospectionClient[];
  /** The WebAuthn relying party (WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME, WEBAUTHN_ORIGINS); undefined = passkeys off. */
  passkeys: Readonly<PasskeySettings> | undefined;
  /** Sign-in through other identity providers (config/federation-settings.ts). */
  federation: FederationSettings;
  /** Relying parties declared in OIDC_CLIENTS or OIDC_CLIENTS_FILE (config/oidc-settings.ts). */
  oidcClients: readonly DeclaredClient[];
  /** OIDC_ID_TOKEN_ALG: how ID tokens are signed, RS256 by default whatever jwtAlg is (docs/architecture.md, "OpenID Connect tokens and consent"). */
  oidcIdTokenAlg: 'RS256' | 'ES256' | 'EdDSA';
  rateLimits: RateLimitRules;
  hashConcurrency: number;
  /** Hashes that may wait for a thread (HASH_QUEUE_MAX); past it a login answers 503 overloaded. */
  hashQueueMax: number;
  /** Hashes, running or waiting, for one IPv4 /24 or IPv6 /64 (HASH_QUEUE_PER_ADDRESS). */
  hashQueuePerAddress: number;
  /** How far the hashing threads step back for the event loop (pool-priority.ts). */
  hashPriority: HashPriority;
  /** libuv's thread pool size, as libuv itself reads UV_THREADPOOL_SIZE (default 4, 1 to 1024). */
  threadPoolSize: number;
  bodyLimitBytes: number;
  trustProxy: boolean | number | string;
  redisUrl: string | undefined;
  redisClusterNodes: string[] | undefined;
  redisKeyPrefix: string;
  autoMigrate: boolean;
  docs: boolean;
  /** The /demo page built on @gatehouse-auth/client (DEMO); on unless NODE_ENV=production. */
  demo: boolean;
  /** The admin console at /admin (ADMIN_CONSOLE, docs/console.md); on by default, `off` turns it off. */
  adminConsole: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The roles a user may hold (ROLES); always `user` (every new account) and `admin` (the admin API). */
  roles: readonly string[];
  /** Whether GET /metrics is served (METRICS): under NODE_ENV=production only behind a token or an allow-list. */
  metrics: boolean;
  /** Why /metrics is off when production turned it off by default: a start warning. */
  metricsNote: string | undefined;
  /** Bearer token /metrics requires (METRICS_TOKEN); undefined = none. */
  metricsToken: string | undefined;
  /** IPs that may read /metrics (METRICS_ALLOW); undefined = any. */
  metricsAllow: readonly string[] | undefined;
  // Hardening (docs/hardening.md)
  /** Progressive delay after repeated failed logins on one account (ASVS 2.2.1); maxSeconds 0 = off. */
  loginDelay: { afterFailures: number; maxSeconds: number };
  /** Browser origins allowed by CORS; undefined = no CORS headers at all. */
  corsOrigins: readonly string[] | undefined;
  /** HIBP-style k-anonymity range API; undefined = only the shipped list is checked. */
  pwnedPasswordsUrl: string | undefined;
  pwnedPasswordsTimeoutMs: number;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Second factors and re-authentication (config/mfa-settings.ts). */
  mfa: Readonly<MfaSettings>;
  /** What the start should warn about: misspelt setting names, an access-token lifetime verifiers refuse. */
  notes: readonly string[];
  /** The audit store: on or off, and how long events are kept (config/audit-settings.ts). */
  audit: Readonly<AuditSettings>;
  /** The pages' theme: product name, logo, colours (config/page-settings.ts). */
  pages: Readonly<PageSettings>;
}

/** Reads `.env` from the working directory into process.env (existing variables win). */
export function loadDotEnv(path = '.env'): void {
  if (!existsSync(path)) return;
  try {
    process.loadEnvFile(path);
  } catch (error) {
    // a folder named .env, or a file this user may not read: one line, as for any setting
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('.env', `cannot read ${resolve(path)} (${code}); make it a readable file of NAME=value lines, or remove it`);
  }
}

/** `start`: also the checks only a server start needs (mail deliverable, a production secret); the CLI runs without them. */
export interface LoadOptions {
  start?: boolean;
}

/**
 * Reads every setting and reports every problem at once (ConfigErrors, one line each): a bad
 * variable is noted and read again as unset, so the next pass finds the problems after it. A
 * problem that names a variable that is not set (one setting needs another) ends the search.
 */
/** The settings of a server start (the process's environment, with the checks only a start needs). */
export function loadStartConfig(): Readonly<Config> {
  return loadConfig(process.env, { start: true });
}

export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Readonly<Config> {
  const problems: ConfigError[] = [];
  const working: Env = { ...env };
  for (;;) {
    const recorded = recordingEnv(working);
    let config: Omit<Config, 'notes'>;
    try {
      config = readConfig(recorded.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // read again as unset, a variable can fail on its default (SESSION_MAX_AGE under a long REFRESH_TOKEN_TTL)
      if (problems.some((problem) => problem.variable === error.variable)) throw reported(problems);
      problems.push(error);
      if (working[error.variable] === undefined) throw reported(problems);
      delete working[error.variable];
      continue;
    }
    const notes = settingNotes(config, working, recorded.names, problems);
    if (options.start) problems.push(...startProblems(config));
    if (problems.length > 0) throw reported(problems);
    return Object.freeze({ ...config, notes: Object.freeze(notes) });
  }
}

/** One problem is itself; more are a ConfigErrors. */
const reported = (problems: ConfigError[]): ConfigError => (problems.length === 1 ? problems[0]! : new ConfigErrors(problems));

/** JWT_PRIVATE_KEY_FILE: a file that exists (what it holds is checked with JWT_ALG, config/signing-keys.ts). */
function readKeyFileName(path: string | undefined): string | undefined {
  if (path !== undefined && !existsSync(path)) throw new ConfigError('JWT_PRIVATE_KEY_FILE', `names no file: ${path}; give the path of a PEM private key`);
  return path;
}

/** verify's default maxTokenLifetimeSeconds (packages/verify): a longer-lived access token is refused there. */
const VERIFY_MAX_TOKEN_LIFETIME_SECONDS = 900;

/** Misspelt names (refused in production when certain, else noted) and an access-token lifetime verifiers refuse by default. */
function settingNotes(config: Omit<Config, 'notes'>, env: Env, known: ReadonlySet<string>, problems: ConfigError[]): string[] {
  const notes: string[] = [];
  for (const { name, meant, certain } of misspeltSettings(env, known)) {
    if (config.nodeEnv === 'production' && certain) problems.push(new ConfigError(name, `is not a setting; did you mean ${meant}? (rename it, or unset it)`));
    else notes.push(`${name} is not a setting and is ignored: did you mean ${meant}?`);
  }
  if (config.accessTokenTtlSeconds > VERIFY_MAX_TOKEN_LIFETIME_SECONDS) {
    notes.push(`ACCESS_TOKEN_TTL is ${config.accessTokenTtlSeconds} s: services on @gatehouse-auth/verify's defaults refuse tokens that live `
      + `over 900 s; set their maxTokenLifetimeSeconds to ${config.accessTokenTtlSeconds} or more (docs/verify.md)`);
  }
  return notes;
}

/** The start's own checks (main.ts), each reported: mail that cannot be sent, a production start without a secret. */
function startProblems(config: Omit<Config, 'notes'>): ConfigError[] {
  const problems: ConfigError[] = [];
  try {
    assertMailDeliverable(config.email, config.nodeEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error);
  }
  if (config.nodeEnv === 'production' && config.secret === undefined) {
    problems.push(new ConfigError('GATEHOUSE_SECRET', `is required when NODE_ENV=production; ${SECRET_HINT}`));
  }
  return problems;
}

/** Every name a config read asks for, with these settings: what docs/configuration.md must document. */
export function settingNamesRead(env: Env): Set<string> {
  const recorded = recordingEnv(env);
  readConfig(recorded.env);
  return recorded.names;
}

function readConfig(env: Env): Omit<Config, 'notes'> {
  const read = reader(env);
  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development');
  const dataDir = read.text('DATA_DIR', './data');
  const accessTokenTtlSeconds = read.duration('ACCESS_TOKEN_TTL', '15m');
  const refreshTokenTtlSeconds = read.duration('REFRESH_TOKEN_TTL', '7d');
  if (refreshTokenTtlSeconds < accessTokenTtlSeconds) {
    throw new ConfigError('REFRESH_TOKEN_TTL', 'must not be shorter than ACCESS_TOKEN_TTL');
  }
  // An earlier setting: refused rather than ignored, so nobody believes it still applies.
  if (env.HASH_NICE?.trim()) throw new ConfigError('HASH_NICE', 'was replaced by HASH_PRIORITY (idle, low or normal)');
  if (env.REFRESH_REQUIRES_ACCESS_TOKEN?.trim()) {
    throw new ConfigError('REFRESH_REQUIRES_ACCESS_TOKEN', 'was replaced by TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN (default false; '
      + 'it governs POST /token only, POST /auth/refresh always takes both tokens)');
  }
  const host = read.host('HOST', '127.0.0.1');
  const port = read.integer('PORT', 3000, 0, 65535);
  const publicUrl = readPublicUrl(env, nodeEnv, host, port);
  const email = readEmailSettings(env, nodeEnv, publicUrl);
  const loginDelay = Object.freeze({
    afterFailures: read.integer('LOGIN_DELAY_AFTER_FAILURES', 5, 0, 1000),
    maxSeconds: read.text('LOGIN_DELAY_MAX', '1m') === 'off' ? 0 : read.duration('LOGIN_DELAY_MAX', '1m', 0),
  });
  return {
    nodeEnv,
    host,
    port,
    dataDir,
    databaseUrl: read.databaseUrl('DATABASE_URL', `sqlite:${join(dataDir, 'gatehouse.db')}`),
    secret: env.GATEHOUSE_SECRET || undefined,
    // PUBLIC_URL, when set, is the issuer: RFC 8414 §3.3 wants the metadata's issuer to be where it is served
    issuer: read.text('JWT_ISSUER', env.PUBLIC_URL?.trim() ? publicUrl! : 'gatehouse'),
    audience: env.JWT_AUDIENCE || undefined,
    jwtAlg: read.oneOf('JWT_ALG', ['HS256', 'EdDSA', 'ES256', 'RS256'], 'HS256'),
    jwtPrivateKeyFile: readKeyFileName(env.JWT_PRIVATE_KEY_FILE?.trim() || undefined),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    sessionMaxAgeSeconds: read.durationAtLeast('SESSION_MAX_AGE', '30d', refreshTokenTtlSeconds, 'REFRESH_TOKEN_TTL'),
    refreshGraceSeconds: read.duration('REFRESH_GRACE', '10s', 0),
    clockToleranceSeconds: read.duration('CLOCK_TOLERANCE', '5s', 0),
    tokenRefreshRequiresAccessToken: read.boolean('TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN', false),
    publicUrl,
    email,
    introspectionClients: readIntrospectionClients(env),
    passkeys: readPasskeySettings(env, nodeEnv, publicUrl),
    federation: readFederationSettings(env, publicUrl, email.appUrl),
    oidcClients: readOidcClients(env),
    oidcIdTokenAlg: read.oneOf('OIDC_ID_TOKEN_ALG', ['RS256', 'ES256', 'EdDSA'], 'RS256'),
    rateLimits: Object.freeze({
      credentialsPerIp: read.rate('RATE_LIMIT_LOGIN_PER_IP', '30/1m'),
      failedLoginsPerAccount: read.rate('RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT', '10/15m'),
      refreshPerIp: read.rate('RATE_LIMIT_REFRESH_PER_IP', '120/1m'),
      refreshPerAccount: read.rate('RATE_LIMIT_REFRESH_PER_ACCOUNT', '30/1m'),
      // ASVS 2.2.1: at most 100 failed attempts per hour per account, whatever the rule above says.
      failedLoginsPerAccountHourly: read.rate('RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY', '100/1h'),
      mailPerAddress: read.rate('RATE_LIMIT_MAIL_PER_ADDRESS', '5/1h'),
      mailPerIp: read.rate('RATE_LIMIT_MAIL_PER_IP', '20/1h'),
      ...loginDelayRules(loginDelay),
    }),
    ...readHashQueue(read),
    // …and the hashing threads run only on CPU time it leaves (pool-priority.ts).
    hashPriority: read.oneOf('HASH_PRIORITY', ['idle', 'low', 'normal'], 'idle'),
    threadPoolSize: Math.min(1024, Math.max(1, Number.parseInt(env.UV_THREADPOOL_SIZE ?? '4', 10) || 1)),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 16_384, 1024, 10_485_760),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    redisUrl: env.REDIS_URL || undefined,
    redisClusterNodes: read.list('REDIS_CLUSTER_NODES'),
    redisKeyPrefix: read.text('REDIS_KEY_PREFIX', 'gh:'),
    autoMigrate: read.boolean('AUTO_MIGRATE', true),
    docs: read.boolean('DOCS', nodeEnv !== 'production'),
    demo: read.boolean('DEMO', nodeEnv !== 'production'),
    adminConsole: read.boolean('ADMIN_CONSOLE', true),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    roles: readRoles(env),
    ...readMetricsProtection(env, nodeEnv, read.boolean('METRICS', true)),
    loginDelay,
    corsOrigins: read.origins('CORS_ORIGINS'),
    pwnedPasswordsUrl: read.url('PWNED_PASSWORDS_URL'),
    pwnedPasswordsTimeoutMs: read.integer('PWNED_PASSWORDS_TIMEOUT_MS', 1500, 50, 30_000),
    maxHeaderBytes: read.integer('MAX_HEADER_BYTES', 8192, 1024, 65_536),
    requestTimeoutMs: read.duration('REQUEST_TIMEOUT', '30s') * 1000,
    connectionTimeoutMs: read.duration('CONNECTION_TIMEOUT', '60s') * 1000,
    shutdownTimeoutMs: read.duration('SHUTDOWN_TIMEOUT', '10s') * 1000,
    mfa: readMfaSettings(env, (name, fallback) => read.duration(name, fallback)),
    audit: readAuditSettings(env, (name, fallback) => read.duration(name, fallback)),
    pages: readPageSettings(env, email.productName),
  };
}

/**
 * HASH_CONCURRENCY and the queue's bounds, which scale with it: 32 hashes waiting per thread is
 * about a second of argon2id work, and one address may hold an eighth of that (docs/hardening.md).
 */
function readHashQueue(read: Reader): Pick<Config, 'hashConcurrency' | 'hashQueueMax' | 'hashQueuePerAddress'> {
  // One core stays free for the event loop, so other requests keep their latency under a login flood.
  const hashConcurrency = read.integer('HASH_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 64);
  return {
    hashConcurrency,
    hashQueueMax: read.integer('HASH_QUEUE_MAX', 32 * hashConcurrency, 0, 100_000),
    hashQueuePerAddress: read.integer('HASH_QUEUE_PER_ADDRESS', 4 * hashConcurrency, 1, 100_000),
  };
}

/** The two buckets behind the progressive login delay: the failure streak and the wait itself. */
function loginDelayRules(delay: Config['loginDelay']): Pick<RateLimitRules, 'failedLoginStreak' | 'failedLoginDelay'> {
  return {
    failedLoginStreak: Object.freeze({ points: Number.MAX_SAFE_INTEGER, windowSeconds: 3600 }),
    failedLoginDelay: Object.freeze({ points: 1, windowSeconds: Math.max(delay.maxSeconds, 1) }),
  };
}
