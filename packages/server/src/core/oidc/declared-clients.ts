// The clients of OIDC_CLIENTS as the registry holds them: their secrets digested once at start, so
// no plain secret stays beyond the settings object.
import type { ClientMetadata, OAuthClientRecord } from '../../storage/types/oauth-clients.js';
import type { ClientSecrets } from './client-secrets.js';

/** A client of OIDC_CLIENTS as config/oidc-settings.ts reads it: its metadata and, unless public, its secret. */
export interface DeclaredClient extends ClientMetadata {
  clientId: string;
  clientSecret: string | null;
}

export function declaredClientRecords(declared: readonly DeclaredClient[], secrets: ClientSecrets, now: Date): OAuthClientRecord[] {
  return declared.map(({ clientSecret, ...client }) => ({
    ...client, secretDigest: clientSecret === null ? null : secrets.digest(clientSecret), createdAt: now, updatedAt: now,
  }));
}
