// The settings of the OAuth 2.0 surface (docs/configuration.md, "OAuth 2.0"): where Gatehouse is
// reached (PUBLIC_URL, for the RFC 8414 metadata) and the resource servers that may call the RFC
// 7662 introspection endpoint (INTROSPECTION_CLIENTS). Read by config.ts; secrets never echoed.
import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/** A resource server allowed to introspect, with the secret it sends in HTTP Basic. */
export interface IntrospectionClient {
  id: string;
  secret: string;
}

type Env = Record<string, string | undefined>;

/** Shortest secret accepted: 128 bits of base64url-ish text, as METRICS_TOKEN asks. */
const MIN_SECRET_LENGTH = 16;
/** RFC 3986 unreserved characters: the id goes through HTTP Basic unchanged whether or not a client form-encodes it. */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/**
 * PUBLIC_URL: the base URL clients use to reach Gatehouse. Outside production it defaults to
 * http://HOST:PORT (a loopback or wildcard host read as localhost); in production it has no default, and the
 * metadata document is only served once it is set.
 */
export function readPublicUrl(env: Env, nodeEnv: string, host: string, port: number): string | undefined {
  const value = env.PUBLIC_URL?.trim();
  if (!value) return nodeEnv === 'production' ? undefined : `http://${urlHost(host)}:${port}`;
  const problem = 'must be an http(s) URL with no query, fragment or credentials, like https://auth.example.com';
  if (!URL.canParse(value)) throw new ConfigError('PUBLIC_URL', `${problem}; got "${value}"`);
  const url = new URL(value);
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new ConfigError('PUBLIC_URL', `${problem}; got "${value}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * A loopback or wildcard HOST gives localhost: the one origin where passkeys work (browsers refuse
 * an IP address as RP id), so mailed links open the demo where its sign-in lives.
 */
function urlHost(host: string): string {
  if (['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host)) return 'localhost';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** INTROSPECTION_CLIENTS: "id:secret,id2:secret2". Messages name the id at most, never a secret. */
export function readIntrospectionClients(env: Env): readonly IntrospectionClient[] {
  const value = env.INTROSPECTION_CLIENTS?.trim();
  if (!value) return Object.freeze([]);
  const clients: IntrospectionClient[] = [];
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  for (const [index, item] of items.entries()) {
    const colon = item.indexOf(':');
    const id = colon < 0 ? item : item.slice(0, colon);
    const secret = colon < 0 ? '' : item.slice(colon + 1);
    if (!CLIENT_ID.test(id)) {
      throw new ConfigError('INTROSPECTION_CLIENTS', `entry ${index + 1}: the client id must be 1–128 letters, digits or . _ ~ - before a ":"`);
    }
    if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret)) {
      throw new ConfigError('INTROSPECTION_CLIENTS', `client "${id}": the secret after ":" must be at least ${MIN_SECRET_LENGTH} characters, without spaces`);
    }
    if (clients.some((client) => client.id === id)) throw new ConfigError('INTROSPECTION_CLIENTS', `client "${id}" is listed twice`);
    clients.push(Object.freeze({ id, secret }));
  }
  return Object.freeze(clients);
}
