// Configuration (docs/architecture.md, "Configuration"): defaults that run on a fresh machine,
// durations written 10s/15m/12h/7d, a bad value stops the start with a message that begins with the
// variable's name, and the result is frozen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, parseDuration, type Config } from '../../src/config/config.js';

function refuses(env: Record<string, string>, variable: string) {
  assert.throws(() => loadConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, 'ConfigError');
    assert.ok(error.message.startsWith(`${variable}: `), error.message);
    return true;
  }, JSON.stringify(env));
}

test('with no variables set, every setting takes its documented default', () => {
  const expected: Config = {
    nodeEnv: 'development',
    host: '127.0.0.1',
    port: 3000,
    dataDir: './data',
    databaseUrl: 'sqlite:data/gatehouse.db',
    secret: undefined,
    issuer: 'gatehouse',
    audience: undefined,
    jwtAlg: 'HS256',
    jwtPrivateKeyFile: undefined,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 7 * 86_400,
    sessionMaxAgeSeconds: 30 * 86_400,
    refreshGraceSeconds: 10,
    clockToleranceSeconds: 5,
    tokenRefreshRequiresAccessToken: false,
    publicUrl: 'http://localhost:3000',
    email: {
      smtp: undefined,
      delivery: 'log',
      mailEnabled: true,
      mailFrom: 'Gatehouse <no-reply@localhost>',
      appUrl: 'http://localhost:3000/demo',
      productName: 'Gatehouse',
      links: {
        verify_email: 'http://localhost:3000/demo/verify-email',
        reset_password: 'http://localhost:3000/demo/reset-password',
        magic_link: 'http://localhost:3000/demo/magic-link',
        change_email: 'http://localhost:3000/demo/confirm-email-change',
        email_change_cancel: 'http://localhost:3000/demo/cancel-email-change',
      },
      templatesDir: undefined,
      verification: 'optional',
      passwordReset: true,
      magicLink: true,
      ttlSeconds: { verify_email: 86_400, reset_password: 1800, magic_link: 900, change_email: 86_400, email_change_cancel: 86_400 },
      maxAttempts: 8,
    },
    introspectionClients: [],
    oidcClients: [],
    oidcIdTokenAlg: 'RS256',
    passkeys: { rpId: 'localhost', rpName: 'Gatehouse', origins: ['http://localhost:3000'] },
    federation: {
      providers: [], publicUrl: 'http://localhost:3000', appUrl: 'http://localhost:3000/demo', redirectOrigins: ['http://localhost:3000'], signup: true, secureCookie: false,
    },
    rateLimits: {
      credentialsPerIp: { points: 30, windowSeconds: 60 },
      failedLoginsPerAccount: { points: 10, windowSeconds: 900 },
      refreshPerIp: { points: 120, windowSeconds: 60 },
      refreshPerAccount: { points: 30, windowSeconds: 60 },
      failedLoginsPerAccountHourly: { points: 100, windowSeconds: 3600 },
      failedLoginStreak: { points: Number.MAX_SAFE_INTEGER, windowSeconds: 3600 },
      failedLoginDelay: { points: 1, windowSeconds: 60 },
      mailPerAddress: { points: 5, windowSeconds: 3600 },
      mailPerIp: { points: 20, windowSeconds: 3600 },
    },
    hashConcurrency: Math.max(1, availableParallelism() - 1),
    hashQueueMax: 32 * Math.max(1, availableParallelism() - 1),
    hashQueuePerAddress: 4 * Math.max(1, availableParallelism() - 1),
    hashPriority: 'idle',
    threadPoolSize: 4,
    bodyLimitBytes: 16_384,
    trustProxy: false,
    redisUrl: undefined,
    redisClusterNodes: undefined,
    redisKeyPrefix: 'gh:',
    autoMigrate: true,
    docs: true,
    demo: true,
    adminConsole: true,
    logLevel: 'info',
    roles: ['user', 'admin'],
    loginDelay: { afterFailures: 5, maxSeconds: 60 },
    corsOrigins: undefined,
    pwnedPasswordsUrl: undefined,
    pwnedPasswordsTimeoutMs: 1500,
    maxHeaderBytes: 8192,
    requestTimeoutMs: 30_000,
    connectionTimeoutMs: 60_000,
    shutdownTimeoutMs: 10_000,
    metrics: true,
    metricsNote: undefined,
    metricsToken: undefined,
    metricsAllow: undefined,
    mfa: { reauthMaxAgeSeconds: 600, totpIssuer: 'Gatehouse' },
    notes: [],
    audit: { store: true, retentionSeconds: 90 * 86_400, webhooksAllowPrivateNetworks: false },
    pages: { productName: 'Gatehouse', logoUrl: undefined, colors: { primary: '#1d4ed8', background: '#ffffff', text: '#1f2937' } },
  };
  assert.deepEqual({ ...loadConfig({}) }, expected);
});

test('an empty variable counts as unset', () => {
  const config = loadConfig({ PORT: '', HOST: '', ACCESS_TOKEN_TTL: '', GATEHOUSE_SECRET: '', JWT_AUDIENCE: '' });
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.accessTokenTtlSeconds, 900);
  assert.equal(config.secret, undefined);
  assert.equal(config.audience, undefined);
});

test('the database defaults to gatehouse.db inside DATA_DIR', () => {
  assert.equal(loadConfig({ DATA_DIR: '/var/lib/gatehouse' }).databaseUrl, 'sqlite:/var/lib/gatehouse/gatehouse.db');
  assert.equal(loadConfig({ DATA_DIR: '/x', DATABASE_URL: 'sqlite::memory:' }).databaseUrl, 'sqlite::memory:');
});

test('in production the demo page and the OpenAPI docs are off unless turned on', () => {
  const production = loadConfig({ NODE_ENV: 'production' });
  assert.deepEqual([production.demo, production.docs], [false, false]);
  assert.equal(loadConfig({ NODE_ENV: 'production', DOCS: 'true' }).docs, true);
  assert.deepEqual([loadConfig({}).demo, loadConfig({}).docs], [true, true]);
});

test('set variables are read and trimmed', () => {
  const config = loadConfig({
    NODE_ENV: 'production', PORT: ' 8080 ', HOST: '0.0.0.0', GATEHOUSE_SECRET: 's3cr3t', JWT_ISSUER: 'https://auth.example',
    JWT_AUDIENCE: 'https://api.example', TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: 'true', LOG_LEVEL: 'warn', HASH_CONCURRENCY: '8',
    HASH_PRIORITY: 'low',
  });
  assert.equal(config.nodeEnv, 'production');
  assert.equal(config.port, 8080);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.secret, 's3cr3t');
  assert.equal(config.issuer, 'https://auth.example');
  assert.equal(config.audience, 'https://api.example');
  assert.equal(config.tokenRefreshRequiresAccessToken, true);
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.hashConcurrency, 8);
  assert.equal(config.hashPriority, 'low');
  // as libuv reads it: out of range is clamped, not refused (libuv would not refuse it either)
  assert.deepEqual(['8', '0', '5000', 'x'].map((UV_THREADPOOL_SIZE) => loadConfig({ UV_THREADPOOL_SIZE }).threadPoolSize), [8, 1, 1024, 1]);
});

// Durations

test('durations are written with s, m, h or d; a bare number other than 0 is not read', () => {
  assert.equal(parseDuration('10s'), 10);
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('12h'), 43_200);
  assert.equal(parseDuration('7d'), 604_800);
  assert.equal(parseDuration('30'), undefined);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration(' 15m '), 900);
});

test('a duration that is not a whole number with one unit is not read', () => {
  for (const text of ['5 minutes', '1.5h', '-5s', '15mm', '1h30m', 'm', '', '7w']) assert.equal(parseDuration(text), undefined, text);
});

test('token lifetimes are read as durations', () => {
  assert.equal(loadConfig({ ACCESS_TOKEN_TTL: '10s' }).accessTokenTtlSeconds, 10);
  assert.equal(loadConfig({ ACCESS_TOKEN_TTL: '15m' }).accessTokenTtlSeconds, 900);
  assert.equal(loadConfig({ ACCESS_TOKEN_TTL: '12h' }).accessTokenTtlSeconds, 43_200);
  const week = loadConfig({ ACCESS_TOKEN_TTL: '7d', REFRESH_TOKEN_TTL: '7d' });
  assert.equal(week.accessTokenTtlSeconds, 604_800);
  assert.equal(week.refreshTokenTtlSeconds, 604_800);
  assert.equal(loadConfig({ REFRESH_GRACE: '0s' }).refreshGraceSeconds, 0);
});

test('refuses a session lifetime shorter than the refresh token lifetime, naming SESSION_MAX_AGE', () => {
  refuses({ REFRESH_TOKEN_TTL: '60d', SESSION_MAX_AGE: '30d' }, 'SESSION_MAX_AGE');
  assert.equal(loadConfig({ REFRESH_TOKEN_TTL: '7d', SESSION_MAX_AGE: '7d' }).sessionMaxAgeSeconds, 7 * 86_400);
});

test('rate limits are read as N/window, and off disables one', () => {
  assert.deepEqual(loadConfig({ RATE_LIMIT_LOGIN_PER_IP: '5/10s' }).rateLimits.credentialsPerIp, { points: 5, windowSeconds: 10 });
  assert.equal(loadConfig({ RATE_LIMIT_LOGIN_PER_IP: 'off' }).rateLimits.credentialsPerIp.points, Number.MAX_SAFE_INTEGER);
});

test('TRUST_PROXY reads as a boolean, a hop count or addresses', () => {
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy, '10.0.0.0/8');
  assert.equal(loadConfig({ TRUST_PROXY: 'TRUE' }).trustProxy, true);
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.1, ::1, loopback' }).trustProxy, '10.0.0.1,::1,loopback');
});

test('a TRUST_PROXY that is neither a boolean, a hop count nor addresses is refused, naming TRUST_PROXY', () => {
  for (const TRUST_PROXY of ['yes', '10.0.0.0/33', '10.0.0', 'proxy.example', '10.0.0.1/8/8']) refuses({ TRUST_PROXY }, 'TRUST_PROXY');
});

test('hardening settings are read: CORS origins, breached-password endpoint, limits, timeouts, login delay', () => {
  const config = loadConfig({
    CORS_ORIGINS: 'https://app.example, http://localhost:5173', PWNED_PASSWORDS_URL: 'https://api.pwnedpasswords.com/',
    PWNED_PASSWORDS_TIMEOUT_MS: '500', MAX_HEADER_BYTES: '4096', REQUEST_TIMEOUT: '5s', CONNECTION_TIMEOUT: '2m',
    SHUTDOWN_TIMEOUT: '3s', LOGIN_DELAY_AFTER_FAILURES: '2', LOGIN_DELAY_MAX: '5m', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '50/1h',
  });
  assert.deepEqual(config.corsOrigins, ['https://app.example', 'http://localhost:5173']);
  assert.equal(config.pwnedPasswordsUrl, 'https://api.pwnedpasswords.com');
  assert.equal(config.pwnedPasswordsTimeoutMs, 500);
  assert.equal(config.maxHeaderBytes, 4096);
  assert.equal(config.requestTimeoutMs, 5000);
  assert.equal(config.connectionTimeoutMs, 120_000);
  assert.equal(config.shutdownTimeoutMs, 3000);
  assert.deepEqual(config.loginDelay, { afterFailures: 2, maxSeconds: 300 });
  assert.deepEqual(config.rateLimits.failedLoginDelay, { points: 1, windowSeconds: 300 });
  assert.deepEqual(config.rateLimits.failedLoginsPerAccountHourly, { points: 50, windowSeconds: 3600 });
  assert.equal(loadConfig({ LOGIN_DELAY_MAX: 'off' }).loginDelay.maxSeconds, 0);
});

test('malformed hardening settings are refused, naming their variable', () => {
  for (const CORS_ORIGINS of ['*', 'app.example', 'https://app.example/path', 'https://*.example', ',']) refuses({ CORS_ORIGINS }, 'CORS_ORIGINS');
  for (const PWNED_PASSWORDS_URL of ['not a url', 'ftp://example.com', 'file:///etc/passwd']) refuses({ PWNED_PASSWORDS_URL }, 'PWNED_PASSWORDS_URL');
  refuses({ PWNED_PASSWORDS_TIMEOUT_MS: '0' }, 'PWNED_PASSWORDS_TIMEOUT_MS');
  refuses({ MAX_HEADER_BYTES: '100' }, 'MAX_HEADER_BYTES');
  refuses({ REQUEST_TIMEOUT: 'soon' }, 'REQUEST_TIMEOUT');
  refuses({ CONNECTION_TIMEOUT: '0s' }, 'CONNECTION_TIMEOUT');
  refuses({ SHUTDOWN_TIMEOUT: '10 seconds' }, 'SHUTDOWN_TIMEOUT');
  for (const HASH_PRIORITY of ['19', 'high', 'IDLE']) refuses({ HASH_PRIORITY }, 'HASH_PRIORITY');
  refuses({ HASH_NICE: '19' }, 'HASH_NICE'); // replaced by HASH_PRIORITY: never silently ignored
  refuses({ LOGIN_DELAY_AFTER_FAILURES: '-1' }, 'LOGIN_DELAY_AFTER_FAILURES');
  refuses({ LOGIN_DELAY_MAX: 'long' }, 'LOGIN_DELAY_MAX');
  refuses({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: 'lots' }, 'RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY');
});

test('ROLES declares the roles a user may hold, user and admin always among them', () => {
  assert.deepEqual(loadConfig({ ROLES: 'user, admin,editor ,billing_ops,support-2' }).roles, ['user', 'admin', 'editor', 'billing_ops', 'support-2']);
  assert.deepEqual(loadConfig({ ROLES: 'admin,user,admin' }).roles, ['admin', 'user']);
  assert.deepEqual(loadConfig({ ROLES: '' }).roles, ['user', 'admin']);
});

test('ROLES without user or admin, or with a name that is not a lowercase identifier, is refused, naming ROLES', () => {
  for (const ROLES of ['admin', 'user', 'user,root', 'user,admin,Editor', 'user,admin,2fa', 'user,admin,super user', 'user,admin,a.b', `user,admin,${'a'.repeat(65)}`]) {
    refuses({ ROLES }, 'ROLES');
  }
});

// Bad values name their variable

test('a port that is not a whole number from 0 to 65535 is refused, naming PORT', () => {
  for (const PORT of ['abc', '-1', '65536', '80.5', '3000abc']) refuses({ PORT }, 'PORT');
});

test('a duration with words or no unit it knows is refused, naming the variable', () => {
  refuses({ ACCESS_TOKEN_TTL: '5 minutes' }, 'ACCESS_TOKEN_TTL');
  refuses({ ACCESS_TOKEN_TTL: '0' }, 'ACCESS_TOKEN_TTL');
  refuses({ REFRESH_TOKEN_TTL: 'a week' }, 'REFRESH_TOKEN_TTL');
  refuses({ SESSION_MAX_AGE: '30 days' }, 'SESSION_MAX_AGE');
  refuses({ REFRESH_GRACE: '-1s' }, 'REFRESH_GRACE');
  refuses({ CLOCK_TOLERANCE: 'small' }, 'CLOCK_TOLERANCE');
});

test('an unknown NODE_ENV is refused, naming NODE_ENV', () => {
  refuses({ NODE_ENV: 'prod' }, 'NODE_ENV');
  refuses({ NODE_ENV: 'Production' }, 'NODE_ENV');
});

test('a rate limit not written N/window is refused, naming the variable', () => {
  for (const value of ['lots', '30', '30/', '0/1m', '30/0s', '/1m', '30/1 minute']) refuses({ RATE_LIMIT_LOGIN_PER_IP: value }, 'RATE_LIMIT_LOGIN_PER_IP');
  refuses({ RATE_LIMIT_REFRESH_PER_ACCOUNT: 'lots' }, 'RATE_LIMIT_REFRESH_PER_ACCOUNT');
});

test('a refresh token lifetime shorter than the access token lifetime is refused, naming REFRESH_TOKEN_TTL', () => {
  refuses({ ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '10m' }, 'REFRESH_TOKEN_TTL');
  refuses({ ACCESS_TOKEN_TTL: '8d' }, 'REFRESH_TOKEN_TTL');
});

test('other malformed values are refused, naming their variable', () => {
  refuses({ AUTO_MIGRATE: 'maybe' }, 'AUTO_MIGRATE');
  refuses({ DOCS: '2' }, 'DOCS');
  refuses({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
  refuses({ HASH_CONCURRENCY: '0' }, 'HASH_CONCURRENCY');
  refuses({ BODY_LIMIT_BYTES: '100' }, 'BODY_LIMIT_BYTES');
});

// The OAuth 2.0 surface (docs/configuration.md, "OAuth 2.0")

test('TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN is off by default and read as a boolean', () => {
  assert.equal(loadConfig({}).tokenRefreshRequiresAccessToken, false);
  assert.equal(loadConfig({ TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: 'true' }).tokenRefreshRequiresAccessToken, true);
  refuses({ TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: 'sometimes' }, 'TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN');
});

test('the old REFRESH_REQUIRES_ACCESS_TOKEN is refused rather than ignored, naming it', () => {
  for (const value of ['true', 'false']) refuses({ REFRESH_REQUIRES_ACCESS_TOKEN: value }, 'REFRESH_REQUIRES_ACCESS_TOKEN');
  assert.match(messageOf({ REFRESH_REQUIRES_ACCESS_TOKEN: 'true' }), /TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN/);
});

test('PUBLIC_URL defaults to http://HOST:PORT outside production, a loopback or wildcard host read as localhost (where passkeys work)', () => {
  assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  assert.equal(loadConfig({ NODE_ENV: 'test', HOST: 'localhost' }).publicUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).publicUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ HOST: '::' }).publicUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ HOST: '::1' }).publicUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ HOST: '10.1.2.3' }).publicUrl, 'http://10.1.2.3:3000');
});

test('PUBLIC_URL has no default in production, and is read without its trailing slash', () => {
  assert.equal(loadConfig({ NODE_ENV: 'production' }).publicUrl, undefined);
  assert.equal(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com/' }).publicUrl, 'https://auth.example.com');
  assert.equal(loadConfig({ PUBLIC_URL: 'https://example.com/gatehouse/' }).publicUrl, 'https://example.com/gatehouse');
});

test('a PUBLIC_URL that is not a plain http(s) URL is refused, naming PUBLIC_URL', () => {
  for (const PUBLIC_URL of ['auth.example.com', 'ftp://auth.example.com', 'https://auth.example.com/?a=1', 'https://auth.example.com/#x',
    'https://user:pw@auth.example.com']) refuses({ PUBLIC_URL }, 'PUBLIC_URL');
});

test('INTROSPECTION_CLIENTS is read as id:secret pairs, a secret holding ":" included', () => {
  assert.deepEqual(loadConfig({}).introspectionClients, []);
  const clients = loadConfig({ INTROSPECTION_CLIENTS: ' api:0123456789abcdef , billing.svc:s3cret:with-colon-99 ' }).introspectionClients;
  assert.deepEqual(clients, [{ id: 'api', secret: '0123456789abcdef' }, { id: 'billing.svc', secret: 's3cret:with-colon-99' }]);
});

test('malformed INTROSPECTION_CLIENTS are refused, naming the variable and never echoing a secret', () => {
  const secret = 'TOP-SECRET-short';
  for (const value of [`api`, `api:`, `:${secret}x`, `api:short`, `a b:${secret}x`, `api:${secret}x,api:${secret}y`, `api:with space in it!!`]) {
    refuses({ INTROSPECTION_CLIENTS: value }, 'INTROSPECTION_CLIENTS');
    assert.doesNotMatch(messageOf({ INTROSPECTION_CLIENTS: value }), /TOP-SECRET|short|space in it/, value);
  }
});

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

test('the hash queue\'s bounds follow HASH_CONCURRENCY unless set: 32 waiting per thread, 4 per thread for one address', () => {
  assert.deepEqual(pickQueue(loadConfig({ HASH_CONCURRENCY: '3' })), [3, 96, 12]);
  assert.deepEqual(pickQueue(loadConfig({ HASH_CONCURRENCY: '3', HASH_QUEUE_MAX: '0', HASH_QUEUE_PER_ADDRESS: '1' })), [3, 0, 1]);
  assert.deepEqual(pickQueue(loadConfig({ HASH_QUEUE_MAX: ' 500 ', HASH_QUEUE_PER_ADDRESS: '20' })).slice(1), [500, 20]);
  for (const HASH_QUEUE_MAX of ['-1', 'lots', '1.5', '100001']) refuses({ HASH_QUEUE_MAX }, 'HASH_QUEUE_MAX');
  for (const HASH_QUEUE_PER_ADDRESS of ['0', '-2', 'x', '100001']) refuses({ HASH_QUEUE_PER_ADDRESS }, 'HASH_QUEUE_PER_ADDRESS');
});

const pickQueue = (config: Readonly<Config>) => [config.hashConcurrency, config.hashQueueMax, config.hashQueuePerAddress];

// Frozen

test('the returned config is frozen', () => {
  const config = loadConfig({});
  assert.ok(Object.isFrozen(config));
  assert.throws(() => {
    (config as { port: number }).port = 1;
  }, TypeError);
  assert.equal(config.port, 3000);
});

test('the returned config is frozen all the way down, rate limit rules included', () => {
  const config = loadConfig({});
  const unfrozen: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null) return;
    if (!Object.isFrozen(value)) unfrozen.push(path);
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(config, 'config');
  assert.deepEqual(unfrozen, []);
});

test('REAUTH_MAX_AGE and TOTP_ISSUER: read into Config.mfa; a bad value names its variable', () => {
  assert.deepEqual(loadConfig({ REAUTH_MAX_AGE: '5m', TOTP_ISSUER: 'Acme Corp' }).mfa, { reauthMaxAgeSeconds: 300, totpIssuer: 'Acme Corp' });
  assert.throws(() => loadConfig({ REAUTH_MAX_AGE: 'soon' }), /REAUTH_MAX_AGE/);
  assert.throws(() => loadConfig({ REAUTH_MAX_AGE: '2d' }), /REAUTH_MAX_AGE/);
  assert.throws(() => loadConfig({ TOTP_ISSUER: 'Acme:Corp' }), /TOTP_ISSUER/);
});

test('the pages\' theme: PRODUCT_NAME names them as it names the mails; colours are #rgb or #rrggbb; the logo is a path or https', () => {
  const config = loadConfig({ PRODUCT_NAME: 'Example Corp', PAGES_COLOR_PRIMARY: '#0f766e', PAGES_LOGO_URL: '/static/logo.svg' });
  assert.deepEqual(config.pages, { productName: 'Example Corp', logoUrl: '/static/logo.svg', colors: { primary: '#0f766e', background: '#ffffff', text: '#1f2937' } });
  assert.equal(loadConfig({ PAGES_LOGO_URL: 'https://cdn.example.com/logo.png' }).pages.logoUrl, 'https://cdn.example.com/logo.png');
  refuses({ PAGES_COLOR_PRIMARY: 'red; } body { display: none' }, 'PAGES_COLOR_PRIMARY');
  refuses({ PAGES_COLOR_TEXT: '#12345' }, 'PAGES_COLOR_TEXT');
  refuses({ PAGES_LOGO_URL: 'http://cdn.example.com/logo.png' }, 'PAGES_LOGO_URL');
  refuses({ PAGES_LOGO_URL: '//evil.example/logo.png' }, 'PAGES_LOGO_URL');
  refuses({ PAGES_LOGO_URL: '/logo.svg" onerror="x' }, 'PAGES_LOGO_URL');
});
