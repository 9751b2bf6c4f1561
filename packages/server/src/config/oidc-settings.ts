// OIDC_CLIENTS (a JSON array) or OIDC_CLIENTS_FILE (a file holding one): relying parties declared in
// the settings, with RFC 7591 metadata names (docs/oidc.md). Each is checked as a registration is
// (core/oidc/client-metadata.ts); a confidential client's secret must be at least 32 characters.
// Messages name the client id at most, never a secret.
import { readFileSync } from 'node:fs';
import { CLIENT_ID_PATTERN, checkClientMetadata, MetadataProblem } from '../core/oidc/client-metadata.js';
import type { DeclaredClient } from '../core/oidc/declared-clients.js';
import type { ClientMetadata } from '../storage/types/oauth-clients.js';
import { ConfigError } from './config-error.js';

type Env = Record<string, string | undefined>;

export type { DeclaredClient };

export const MIN_DECLARED_SECRET_LENGTH = 32;

export function readOidcClients(env: Env): readonly DeclaredClient[] {
  const { variable, json } = source(env);
  if (json === undefined) return Object.freeze([]);
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    throw new ConfigError(variable, 'is not valid JSON: give an array of clients like [{"client_id":"wiki","client_secret":"…","redirect_uris":["https://wiki.example.com/callback"]}]');
  }
  if (!Array.isArray(entries)) throw new ConfigError(variable, 'must be a JSON array of clients');
  const clients = entries.map((entry, index) => readClient(variable, entry, index));
  const ids = clients.map((client) => client.clientId);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice !== undefined) throw new ConfigError(variable, `client "${twice}" is listed twice`);
  return Object.freeze(clients);
}

function source(env: Env): { variable: string; json: string | undefined } {
  const inline = env.OIDC_CLIENTS?.trim();
  const file = env.OIDC_CLIENTS_FILE?.trim();
  if (inline && file) throw new ConfigError('OIDC_CLIENTS', 'and OIDC_CLIENTS_FILE are both set: keep one');
  if (!file) return { variable: 'OIDC_CLIENTS', json: inline || undefined };
  try {
    return { variable: 'OIDC_CLIENTS_FILE', json: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('OIDC_CLIENTS_FILE', `cannot read ${file} (${code}): give the path of a JSON file`);
  }
}

function readClient(variable: string, entry: unknown, index: number): DeclaredClient {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(variable, `entry ${index + 1} must be an object`);
  const fields = entry as Record<string, unknown>;
  const clientId = fields.client_id;
  if (typeof clientId !== 'string' || !new RegExp(CLIENT_ID_PATTERN).test(clientId)) {
    throw new ConfigError(variable, `entry ${index + 1}: client_id must be 1–128 letters, digits or . _ ~ -`);
  }
  let metadata: ClientMetadata;
  try {
    metadata = checkClientMetadata(fields);
  } catch (error) {
    if (error instanceof MetadataProblem) throw new ConfigError(variable, `client "${clientId}": ${error.message}`);
    throw error;
  }
  const secret = fields.client_secret;
  if (metadata.tokenEndpointAuthMethod === 'none') {
    if (secret !== undefined) throw new ConfigError(variable, `client "${clientId}": a public client (token_endpoint_auth_method none) has no client_secret`);
    return Object.freeze({ clientId, clientSecret: null, ...metadata });
  }
  if (typeof secret !== 'string' || secret.length < MIN_DECLARED_SECRET_LENGTH || /\s/.test(secret)) {
    throw new ConfigError(variable, `client "${clientId}": client_secret must be at least ${MIN_DECLARED_SECRET_LENGTH} characters without spaces `
      + '(gatehouse secret prints a good one)');
  }
  return Object.freeze({ clientId, clientSecret: secret, ...metadata });
}
