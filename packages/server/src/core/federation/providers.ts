// The configured providers by id, each with its protocol client (OIDC or GitHub), built at the
// first login without a network call at start: discovery waits for it too (oidc-client.ts). The
// clients' module (openid-client, ~9 MB) is loaded then, never where no provider is configured.
import { AuthError } from '../errors.js';
import type { FederationProvider, FederationSettings } from '../../config/federation-settings.js';
import type { ProviderClient } from './provider-client.js';

/** How long one call to a provider may take before the login answers provider_unavailable. */
const PROVIDER_TIMEOUT_MS = 10_000;

export interface ProviderEntry {
  provider: FederationProvider;
  client: ProviderClient;
}

export type Providers = ReturnType<typeof createProviders>;

export const callbackUrl = (publicUrl: string, id: string): string => `${publicUrl}/auth/federated/${id}/callback`;

export function createProviders(settings: Pick<FederationSettings, 'providers' | 'publicUrl'>) {
  const entries = new Map<string, ProviderEntry>();
  for (const provider of settings.providers) {
    const options = { redirectUri: callbackUrl(settings.publicUrl!, provider.id), timeoutMs: PROVIDER_TIMEOUT_MS };
    const client = lazyClient(async () => provider.type === 'github'
      ? (await import('./github-client.js')).createGitHubClient(provider, options)
      : (await import('./oidc-client.js')).createOidcClient(provider, options));
    entries.set(provider.id, { provider, client });
  }
  return {
    /** The provider of that id; unknown_provider otherwise. */
    get(id: string): ProviderEntry {
      const entry = entries.get(id);
      if (!entry) throw new AuthError('unknown_provider', 'No identity provider of that id is configured.');
      return entry;
    },
    /** What the public list shows: ids, names and kinds, never a client id or secret. */
    list: () => [...entries.values()].map(({ provider }) => ({ id: provider.id, name: provider.name, type: provider.type })),
  };
}

/** A client built on its first call. */
function lazyClient(build: () => Promise<ProviderClient>): ProviderClient {
  let client: Promise<ProviderClient> | undefined;
  const built = () => (client ??= build());
  return {
    authorizationUrl: async (checks) => (await built()).authorizationUrl(checks),
    finish: async (callbackUrl, checks) => (await built()).finish(callbackUrl, checks),
  };
}
