// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3,
// RFC 7591 §2 token_endpoint_auth_method): a confidential client by its secret, sent the way it
// registered (HTTP Basic or the form, never both); a public client (`none`) by its client_id alone.
// Any other way, or a wrong secret, is invalid_client (RFC 6749 §5.2).
import { AuthError } from '../errors.js';
import type { ClientCredentials } from './client-credentials-grant.js';
import type { ClientRegistry } from './client-registry.js';
import type { OAuthClientRecord } from '../../storage/types/oauth-clients.js';

/** What a request presented: secrets (each reading of one set of credentials), a public client's id, or nothing. */
export type PresentedClient =
  | { kind: 'secret'; candidates: readonly ClientCredentials[] }
  | { kind: 'public'; clientId: string }
  | { kind: 'none' };

export type AuthenticatedClient = Pick<OAuthClientRecord, 'clientId' | 'tokenEndpointAuthMethod' | 'grantTypes' | 'scope'>;

/** The authenticated client, or null when none was presented; throws invalid_client when one was presented and failed. */
export async function authenticateClient(
  clients: Pick<ClientRegistry, 'authenticate' | 'find'>, presented: PresentedClient,
): Promise<AuthenticatedClient | null> {
  if (presented.kind === 'none') return null;
  if (presented.kind === 'secret') {
    for (const candidate of presented.candidates) {
      const client = await clients.authenticate(candidate.clientId, candidate.secret);
      if (client) {
        if (client.tokenEndpointAuthMethod === candidate.method) return client;
        break;
      }
    }
    throw failed();
  }
  const client = await clients.find(presented.clientId).catch((error: unknown) => {
    if (error instanceof AuthError && error.code === 'client_not_found') return null;
    throw error;
  });
  if (client?.tokenEndpointAuthMethod !== 'none') throw failed();
  return client;
}

const failed = () => new AuthError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or not the method it registered.');
