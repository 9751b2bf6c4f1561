// The OAuth 2.0 surface as the HTTP layer sees it (docs/api.md, "OAuth 2.0"): revocation for every
// client, and introspection for the resource servers of INTROSPECTION_CLIENTS, when there are any.
import type { ClientCredentialsCheck } from './client-credentials.js';
import type { Introspect } from './introspect.js';
import type { TokenRevocation } from './revoke.js';

export interface OAuthService {
  revoke: TokenRevocation;
  /** Absent when no introspection client is configured: the endpoint is then not served. */
  introspection?: {
    checkClient: ClientCredentialsCheck;
    introspect: Introspect;
  };
}
