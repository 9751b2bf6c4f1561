// Every setting, read from the environment (and a .env file) once at start, checked, and frozen.
// The only module that reads process.env (docs/architecture.md, "Configuration"). A bad value stops
// the start with a message that names the variable.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
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

export { ConfigError, parseDuration };

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
}

/** Reads `.env` from the working directory into process.env (existing variables win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
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
  return Object.freeze({
    nodeEnv,
    host,
    port,
    dataDir,
    databaseUrl: read.databaseUrl('DATABASE_URL', `sqlite:${join(dataDir, 'gatehouse.db')}`),
    secret: env.GATEHOUSE_SECRET || undefined,
    issuer: read.text('JWT_ISSUER', 'gatehouse'),
    audience: env.JWT_AUDIENCE || undefined,
    jwtAlg: read.oneOf('JWT_ALG', ['HS256', 'EdDSA', 'ES256', 'RS256'], 'HS256'),
    jwtPrivateKeyFile: env.JWT_PRIVATE_KEY_FILE || undefined,
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
  });
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

/** A role name: what PATCH /admin/users/:id accepts as `role` (routes/admin/users.ts). */
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** ROLES: comma-separated role names, `user` and `admin` among them; a repeated name counts once. */
function readRoles(env: Env): readonly string[] {
  const value = env.ROLES?.trim() || 'user,admin';
  const roles = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  const bad = roles.find((role) => !ROLE_NAME.test(role));
  if (bad !== undefined) {
    throw new ConfigError('ROLES', `must be lowercase names (a letter, then letters, digits, _ or -) like user,admin,editor; got "${bad}"`);
  }
  const missing = ['user', 'admin'].find((role) => !roles.includes(role));
  if (missing !== undefined) throw new ConfigError('ROLES', `must include ${missing} (user and admin are built in); got "${value}"`);
  return Object.freeze(roles);
}

type MetricsSettings = Pick<Config, 'metrics' | 'metricsNote' | 'metricsToken' | 'metricsAllow'>;

/**
 * METRICS (on by default), METRICS_TOKEN (16+ characters, sent as a bearer token) and
 * METRICS_ALLOW (comma-separated IPs). Under NODE_ENV=production an unprotected /metrics would
 * tell anyone the traffic, the failed logins and the hash queue: it stays off, with a warning,
 * and METRICS=true without protection stops the start.
 */
function readMetricsProtection(env: Env, nodeEnv: Config['nodeEnv'], wanted: boolean): MetricsSettings {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  if (token !== undefined && !/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters usable in a bearer token (letters, digits, -._~+/)');
  }
  const allow = env.METRICS_ALLOW?.split(',').map((item) => item.trim()).filter(Boolean);
  const bad = allow?.find((ip) => !isIP(ip));
  if (bad !== undefined) throw new ConfigError('METRICS_ALLOW', `must be IP addresses separated by commas; got "${bad}"`);
  const metricsAllow = allow?.length ? Object.freeze(allow) : undefined;
  const unprotected = nodeEnv === 'production' && token === undefined && metricsAllow === undefined;
  if (unprotected && wanted && env.METRICS?.trim()) {
    throw new ConfigError('METRICS', 'would serve /metrics to anyone under NODE_ENV=production; set METRICS_TOKEN or METRICS_ALLOW too');
  }
  const metricsNote = unprotected && wanted
    ? 'GET /metrics is off: under NODE_ENV=production it needs METRICS_TOKEN or METRICS_ALLOW (METRICS=false silences this note)'
    : undefined;
  return { metrics: wanted && !unprotected, metricsNote, metricsToken: token, metricsAllow };
}
