// The settings of sign-in through other identity providers (docs/federation.md): the providers
// (FEDERATION_PROVIDERS or FEDERATION_PROVIDERS_FILE), which origins besides APP_URL's (read with the
// mail settings) a login may return to (REDIRECT_ORIGINS), and whether a login may create users.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/** One provider: any OpenID Connect issuer (discovery), or GitHub (OAuth 2.0 and its REST API). */
export interface FederationProvider {
  id: string;
  /** What a sign-in button says ("Sign in with <name>"). */
  name: string;
  type: 'oidc' | 'github';
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  /** OIDC: the issuer identifier, discovered at /.well-known/openid-configuration. */
  issuer?: string;
  /** GitHub: its endpoints, overridable for GitHub Enterprise Server or a test stand-in. */
  github?: { authorizationEndpoint: string; tokenEndpoint: string; apiUrl: string };
}

export interface FederationSettings {
  providers: readonly FederationProvider[];
  /** Where Gatehouse is reached: the callbacks are PUBLIC_URL/auth/federated/<id>/callback. */
  publicUrl: string | undefined;
  /** APP_URL: the app's pages; the default `redirect_to` and where errors land without one. */
  appUrl: string | undefined;
  /** Origins a login may return to: APP_URL's, PUBLIC_URL's (its /demo) and REDIRECT_ORIGINS. */
  redirectOrigins: readonly string[];
  /** FEDERATION_SIGNUP: whether a first login through a provider creates an account. */
  signup: boolean;
  /** The pending-login cookie is Secure when PUBLIC_URL is https. */
  secureCookie: boolean;
}

type Env = Record<string, string | undefined>;
type Entry = Record<string, unknown>;

const ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const OIDC_KEYS = ['id', 'type', 'name', 'issuer', 'client_id', 'client_secret', 'scopes'];
const GITHUB_KEYS = ['id', 'type', 'name', 'client_id', 'client_secret', 'scopes', 'authorization_endpoint', 'token_endpoint', 'api_url'];
const GITHUB = { authorizationEndpoint: 'https://github.com/login/oauth/authorize', tokenEndpoint: 'https://github.com/login/oauth/access_token', apiUrl: 'https://api.github.com' };

/** `appUrl` is APP_URL as config/email-settings.ts reads it (outside production PUBLIC_URL/demo by default). */
export function readFederationSettings(env: Env, publicUrl: string | undefined, appUrl: string | undefined): Readonly<FederationSettings> {
  const { variable, entries } = readEntries(env);
  const providers = entries.map((entry, index) => readProvider(variable, entry, index));
  const seen = new Set<string>();
  for (const { id } of providers) {
    if (seen.has(id)) throw new ConfigError(variable, `provider "${id}" is listed twice`);
    seen.add(id);
  }
  if (providers.length && !publicUrl) throw new ConfigError(variable, 'needs PUBLIC_URL: the providers call back to PUBLIC_URL/auth/federated/<id>/callback');
  const origins = [appUrl, publicUrl, ...readOrigins(env)].filter((url): url is string => url !== undefined).map((url) => new URL(url).origin);
  return Object.freeze({
    providers: Object.freeze(providers),
    publicUrl,
    appUrl,
    redirectOrigins: Object.freeze([...new Set(origins)]),
    signup: readBoolean(env, 'FEDERATION_SIGNUP', true),
    secureCookie: publicUrl?.startsWith('https:') ?? false,
  });
}

/** The JSON array from FEDERATION_PROVIDERS, or from the file FEDERATION_PROVIDERS_FILE names. */
function readEntries(env: Env): { variable: string; entries: Entry[] } {
  const inline = env.FEDERATION_PROVIDERS?.trim();
  const file = env.FEDERATION_PROVIDERS_FILE?.trim();
  if (inline && file) throw new ConfigError('FEDERATION_PROVIDERS', 'and FEDERATION_PROVIDERS_FILE are both set; use one');
  const variable = file ? 'FEDERATION_PROVIDERS_FILE' : 'FEDERATION_PROVIDERS';
  let text = inline;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(variable, `cannot read the file "${file}"`);
    }
  }
  if (!text) return { variable, entries: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(variable, 'is not valid JSON: it must be a JSON array of provider objects (docs/federation.md)');
  }
  if (!Array.isArray(parsed) || parsed.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry))) {
    throw new ConfigError(variable, 'must be a JSON array of provider objects like [{"id":"google","issuer":"https://accounts.google.com",…}]');
  }
  return { variable, entries: parsed as Entry[] };
}

/** One entry, checked; a message names the entry and the key, never a secret's value. */
function readProvider(variable: string, entry: Entry, index: number): FederationProvider {
  const where = typeof entry.id === 'string' && ID.test(entry.id) ? `provider "${entry.id}"` : `entry ${index + 1}`;
  const fail = (problem: string) => new ConfigError(variable, `${where}: ${problem}`);
  if (!(typeof entry.id === 'string' && ID.test(entry.id))) throw fail('"id" must be 1–32 lowercase letters, digits, "_" or "-"');
  const type = entry.type ?? 'oidc';
  if (type !== 'oidc' && type !== 'github') throw fail('"type" must be "oidc" or "github"');
  const unknown = Object.keys(entry).find((key) => !(type === 'github' ? GITHUB_KEYS : OIDC_KEYS).includes(key));
  if (unknown !== undefined) throw fail(`unknown key "${unknown}"`);
  const text = (key: string, fallback?: string): string => {
    const value = entry[key] ?? fallback;
    if (typeof value !== 'string' || !value.trim() || /\s/.test(value.trim())) {
      throw fail(`"${key}" must be a non-empty string without spaces`);
    }
    return value.trim();
  };
  const url = (key: string, fallback?: string) => checkEndpoint(text(key, fallback), (problem) => fail(`"${key}" ${problem}`));
  const base = {
    id: entry.id, clientId: text('client_id'), clientSecret: text('client_secret'),
    name: typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim().slice(0, 64) : type === 'github' ? 'GitHub' : entry.id,
  };
  if (type === 'github') {
    return Object.freeze({
      ...base, type, scopes: readScopes(entry.scopes, ['read:user', 'user:email'], fail),
      github: Object.freeze({
        authorizationEndpoint: url('authorization_endpoint', GITHUB.authorizationEndpoint),
        tokenEndpoint: url('token_endpoint', GITHUB.tokenEndpoint),
        apiUrl: url('api_url', GITHUB.apiUrl).replace(/\/+$/, ''),
      }),
    });
  }
  const scopes = readScopes(entry.scopes, ['openid', 'email', 'profile'], fail);
  return Object.freeze({ ...base, type, issuer: url('issuer'), scopes: scopes.includes('openid') ? scopes : Object.freeze(['openid', ...scopes]) });
}

function readScopes(value: unknown, fallback: string[], fail: (problem: string) => Error): readonly string[] {
  if (value === undefined) return Object.freeze(fallback);
  const list = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.length || list.some((scope) => typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw fail('"scopes" must be an array of scope names like ["openid","email","profile"]');
  }
  return Object.freeze([...new Set(list as string[])]);
}

/** https, or plain http on a loopback address only (local development and tests). */
function checkEndpoint(value: string, fail: (problem: string) => Error): string {
  if (!URL.canParse(value)) throw fail('must be an https URL');
  const url = new URL(value);
  if (url.username || url.password || url.hash) throw fail('must be an https URL without credentials or fragment');
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return value;
  throw fail('must be an https URL (plain http only on a loopback address such as 127.0.0.1)');
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** REDIRECT_ORIGINS: exact origins, comma-separated, like CORS_ORIGINS. */
function readOrigins(env: Env): string[] {
  const value = env.REDIRECT_ORIGINS?.trim();
  if (!value) return [];
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  const bad = items.find((item) => !/^https?:\/\/[^\s/?#*@]+$/.test(item) || !URL.canParse(item));
  if (bad !== undefined || !items.length) {
    throw new ConfigError('REDIRECT_ORIGINS', `must be origins like https://app.example,http://localhost:5173; got "${bad ?? value}"`);
  }
  return items;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false; got "${value}"`);
}
