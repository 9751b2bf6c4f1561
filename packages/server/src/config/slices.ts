// The settings each part of the server receives: a slice of the Config, never the whole of it,
// so what a part depends on can be read from its signature. compose.ts hands them out.
import type { Config } from './config.js';

const HTTP = [
  'nodeEnv', 'logLevel', 'bodyLimitBytes', 'trustProxy', 'maxHeaderBytes', 'requestTimeoutMs', 'connectionTimeoutMs',
  'corsOrigins', 'docs', 'demo', 'adminConsole', 'metrics', 'metricsToken', 'metricsAllow', 'tokenRefreshRequiresAccessToken', 'jwtAlg',
] as const;
const TOKENS = ['issuer', 'audience', 'clockToleranceSeconds', 'accessTokenTtlSeconds'] as const;
const SESSIONS = ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'sessionMaxAgeSeconds', 'refreshGraceSeconds'] as const;
const PASSWORDS = ['hashConcurrency', 'hashQueueMax', 'hashQueuePerAddress', 'pwnedPasswordsUrl', 'pwnedPasswordsTimeoutMs', 'loginDelay'] as const;
const OAUTH = ['publicUrl', 'issuer', 'audience', 'jwtAlg', 'introspectionClients', 'refreshGraceSeconds'] as const;

/** The HTTP layer: server limits, CORS, which optional pages are served, /metrics protection. */
export type HttpSettings = Pick<Config, typeof HTTP[number]>;
/** Signing and verifying tokens (the keys come from the secret and config/signing-keys.ts). */
export type TokenSettings = Pick<Config, typeof TOKENS[number]>;
/** Token lifetimes and the refresh grace window. */
export type SessionSettings = Pick<Config, typeof SESSIONS[number]>;
/** Hashing, the breached-password check and the progressive login delay. */
export type PasswordSettings = Pick<Config, typeof PASSWORDS[number]>;
/** The OAuth 2.0 surface: metadata URLs, the issuer and audience answered by introspection, its clients. */
export type OAuthSettings = Pick<Config, typeof OAUTH[number]>;

function pick<K extends keyof Config>(config: Readonly<Config>, keys: readonly K[]): Readonly<Pick<Config, K>> {
  return Object.freeze(Object.fromEntries(keys.map((key) => [key, config[key]])) as Pick<Config, K>);
}

export const httpSettings = (config: Readonly<Config>): Readonly<HttpSettings> => pick(config, HTTP);
export const tokenSettings = (config: Readonly<Config>): Readonly<TokenSettings> => pick(config, TOKENS);
export const sessionSettings = (config: Readonly<Config>): Readonly<SessionSettings> => pick(config, SESSIONS);
export const passwordSettings = (config: Readonly<Config>): Readonly<PasswordSettings> => pick(config, PASSWORDS);
export const oauthSettings = (config: Readonly<Config>): Readonly<OAuthSettings> => pick(config, OAUTH);

/** The OpenID Connect provider's issuer when it is on: PUBLIC_URL, and the tokens' issuer is that too (docs/oidc.md). */
export function oidcIssuer(config: Pick<Config, 'publicUrl' | 'issuer'>): string | undefined {
  return config.publicUrl !== undefined && config.issuer === config.publicUrl ? config.publicUrl : undefined;
}
