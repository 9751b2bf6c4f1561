// The settings each part of the server receives: a slice of the Config, never the whole of it,
// so what a part depends on can be read from its signature. compose.ts hands them out.
import type { Config } from './config.js';

const HTTP = [
  'nodeEnv', 'logLevel', 'bodyLimitBytes', 'trustProxy', 'maxHeaderBytes', 'requestTimeoutMs', 'connectionTimeoutMs',
  'corsOrigins', 'docs', 'demo', 'metricsToken', 'metricsAllow', 'refreshRequiresAccessToken', 'jwtAlg',
] as const;
const TOKENS = ['issuer', 'audience', 'clockToleranceSeconds'] as const;
const SESSIONS = [
  'accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'sessionMaxAgeSeconds', 'refreshGraceSeconds', 'refreshRequiresAccessToken',
] as const;
const PASSWORDS = ['hashConcurrency', 'hashQueueMax', 'hashQueuePerAddress', 'pwnedPasswordsUrl', 'pwnedPasswordsTimeoutMs', 'loginDelay'] as const;

/** The HTTP layer: server limits, CORS, which optional pages are served, /metrics protection. */
export type HttpSettings = Pick<Config, typeof HTTP[number]>;
/** Signing and verifying tokens (the keys come from the secret and config/signing-keys.ts). */
export type TokenSettings = Pick<Config, typeof TOKENS[number]>;
/** Token lifetimes, the refresh grace window and the reissue rule. */
export type SessionSettings = Pick<Config, typeof SESSIONS[number]>;
/** Hashing, the breached-password check and the progressive login delay. */
export type PasswordSettings = Pick<Config, typeof PASSWORDS[number]>;

function pick<K extends keyof Config>(config: Readonly<Config>, keys: readonly K[]): Readonly<Pick<Config, K>> {
  return Object.freeze(Object.fromEntries(keys.map((key) => [key, config[key]])) as Pick<Config, K>);
}

export const httpSettings = (config: Readonly<Config>): Readonly<HttpSettings> => pick(config, HTTP);
export const tokenSettings = (config: Readonly<Config>): Readonly<TokenSettings> => pick(config, TOKENS);
export const sessionSettings = (config: Readonly<Config>): Readonly<SessionSettings> => pick(config, SESSIONS);
export const passwordSettings = (config: Readonly<Config>): Readonly<PasswordSettings> => pick(config, PASSWORDS);
