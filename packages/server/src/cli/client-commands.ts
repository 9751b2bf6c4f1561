// `gatehouse client add|list|show|rotate-secret|remove`: the OpenID Connect provider's clients
// from the machine itself, through the same registry as the admin API (core/oidc/client-registry.ts),
// so the same checks apply. A new secret is printed once; only its digest is stored.
import { noAudit } from '../core/audit.js';
import { systemClock } from '../core/clock.js';
import { createClientRegistry, type ClientRegistry, type RegisteredClient } from '../core/oidc/client-registry.js';
import { createClientSecrets } from '../core/oidc/client-secrets.js';
import { declaredClientRecords } from '../core/oidc/declared-clients.js';
import { deriveKey } from '../core/tokens/keys.js';
import type { AdminActor } from '../core/admin/admin.js';
import { resolveSecret } from '../config/secret.js';
import type { Config } from '../config/config.js';
import type { Stores } from '../storage/types/stores.js';
import type { Flags } from './args.js';

const CLI_ACTOR: AdminActor = { ip: 'local', userAgent: 'gatehouse-cli' };

export function cliClientRegistry(stores: Stores, config: Readonly<Config>): ClientRegistry {
  const { secret, warning } = resolveSecret(config);
  if (warning) console.error(warning);
  const secrets = createClientSecrets(deriveKey(secret, 'oauth-client-secret'));
  const declared = declaredClientRecords(config.oidcClients, secrets, new Date(systemClock.now()));
  return createClientRegistry({ store: stores.oauthClients, declared, secrets, sessions: stores.sessions, clock: systemClock, audit: noAudit });
}

const list = (value: Flags[string]) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined);

export async function addClient(flags: Flags, registry: ClientRegistry): Promise<void> {
  const input = {
    client_id: flags['client-id'], client_name: flags.name, redirect_uris: list(flags['redirect-uris']),
    post_logout_redirect_uris: list(flags['post-logout-redirect-uris']), grant_types: list(flags['grant-types']), scope: flags.scope,
    token_endpoint_auth_method: flags.public === true ? 'none' : flags['auth-method'], skip_consent: flags['skip-consent'] === true ? true : undefined,
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const { client, secret } = await registry.register(defined, CLI_ACTOR);
  console.log(describe(client));
  if (secret !== undefined) console.log(`client_secret: ${secret}\n(shown this once: only a digest is kept; gatehouse client rotate-secret makes a new one)`);
}

export async function listClients(flags: Flags, registry: ClientRegistry): Promise<void> {
  const clients = await registry.list();
  if (flags.json === true) return console.log(JSON.stringify(clients.map(toJson), null, 2));
  if (clients.length === 0) return console.log('No clients yet; add one with gatehouse client add.');
  console.log(clients.map((c) => `${c.clientId}  ${c.source}  ${c.tokenEndpointAuthMethod}  ${c.grantTypes.join(',')}  ${c.clientName}`).join('\n'));
}

export async function showClient(flags: Flags, registry: ClientRegistry): Promise<void> {
  const client = await registry.find(String(flags['client-id']));
  console.log(flags.json === true ? JSON.stringify(toJson(client), null, 2) : describe(client));
}

export async function rotateClientSecret(flags: Flags, registry: ClientRegistry): Promise<void> {
  const secret = await registry.rotateSecret(String(flags['client-id']), CLI_ACTOR);
  console.log(`client_secret: ${secret}\n(shown this once; the old secret no longer works)`);
}

export async function removeClient(flags: Flags, registry: ClientRegistry): Promise<void> {
  await registry.remove(String(flags['client-id']), CLI_ACTOR);
  console.log(`Deleted client ${String(flags['client-id'])}.`);
}

function describe(client: RegisteredClient): string {
  return [
    `client_id: ${client.clientId}`, `client_name: ${client.clientName}`, `source: ${client.source}`,
    `token_endpoint_auth_method: ${client.tokenEndpointAuthMethod}`, `grant_types: ${client.grantTypes.join(' ')}`,
    `redirect_uris: ${client.redirectUris.join(' ')}`, `post_logout_redirect_uris: ${client.postLogoutRedirectUris.join(' ')}`,
    `scope: ${client.scope}`, `skip_consent: ${client.skipConsent}`,
  ].join('\n');
}

function toJson(client: RegisteredClient) {
  return {
    client_id: client.clientId, client_name: client.clientName, source: client.source, confidential: client.confidential,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod, grant_types: client.grantTypes, redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris, scope: client.scope, skip_consent: client.skipConsent,
  };
}
