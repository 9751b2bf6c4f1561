// The client_credentials grant (RFC 6749 §4.4): a registered machine client, authenticated by the
// method it registered (RFC 7591 §2), gets an access token of its own: no user, no session, no
// refresh token (§4.4.3). Scope is what it asks within what it registered; the user-facing OpenID
// Connect scopes mean nothing without a user and are refused.
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { ClientRegistry } from './client-registry.js';
import type { TokenEndpointAuthMethod } from '../../storage/types/oauth-clients.js';

/** The id and secret a client sent, and how: in HTTP Basic or in the form body. */
export interface ClientCredentials {
  clientId: string;
  secret: string;
  method: Exclude<TokenEndpointAuthMethod, 'none'>;
}

export interface ClientTokenAnswer {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

const USER_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

type Deps = Pick<CoreDeps, 'tokens' | 'clock' | 'audit'> & { clients: Pick<ClientRegistry, 'authenticate'> };

export function createClientCredentialsGrant({ tokens, clock, audit, clients }: Deps, accessTokenTtlSeconds: number) {
  /** `candidates`: the readings of one set of credentials (HTTP Basic may be form-encoded or not). */
  return async function clientCredentialsGrant(candidates: readonly ClientCredentials[], scope: string | undefined, ctx: RequestContext) {
    let client = null;
    let used: ClientCredentials | undefined;
    for (const candidate of candidates) {
      client = await clients.authenticate(candidate.clientId, candidate.secret);
      if (client) { used = candidate; break; }
    }
    if (!client || client.tokenEndpointAuthMethod !== used!.method) {
      throw new AuthError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or not the method it registered.');
    }
    if (!client.grantTypes.includes('client_credentials')) {
      throw new AuthError('unauthorized_client', 'This client is not registered for the client_credentials grant.');
    }
    const granted = grantedScope(scope, client.scope);
    const iat = Math.floor(clock.now() / 1000);
    const claims = { sub: client.clientId, client_id: client.clientId, scope: granted, jti: randomBytes(16).toString('base64url'), iat, exp: iat + accessTokenTtlSeconds };
    const accessToken = await tokens.signClientToken(claims);
    audit({ type: 'client_token_issued', clientId: client.clientId, scope: granted, ...auditOrigin(ctx) });
    return { access_token: accessToken, token_type: 'bearer', expires_in: accessTokenTtlSeconds, scope: granted } satisfies ClientTokenAnswer;
  };
}

/** The scope asked for, each value within the client's registered scope; by default all of its machine scopes. */
function grantedScope(asked: string | undefined, registered: string): string {
  const allowed = registered.split(' ').filter((value) => value && !USER_SCOPES.has(value));
  if (asked === undefined || asked.trim() === '') return allowed.join(' ');
  const values = [...new Set(asked.split(' ').filter(Boolean))];
  const refused = values.find((value) => !allowed.includes(value));
  if (refused !== undefined) throw new AuthError('invalid_scope', `The scope "${refused}" is not registered for this client, or needs a user.`);
  return values.join(' ');
}
