// A session opened for a relying party (docs/architecture.md, "OpenID Connect tokens and consent"): an ordinary
// Gatehouse session bound to the client and the scope the user granted it. Its access tokens carry
// `client_id` and `scope`; a refresh token is handed out only when `offline_access` was granted
// (OpenID Connect Core §11), and only that client may present it (core/oidc/client-refresh.ts).
import type { RequestContext } from '../context.js';
import type { SessionAuth } from '../login/amr.js';
import type { OpenSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { SessionClient, UserRecord } from '../../storage/types/stores.js';

/** The token endpoint's answer to a client for a user (RFC 6749 §5.1): the refresh token only with offline_access. */
export interface ClientTokenSet {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  scope: string;
}

export type OpenClientSession = (
  user: UserRecord, auth: SessionAuth, client: SessionClient, ctx: RequestContext,
) => Promise<{ tokens: ClientTokenSet; sessionId: string }>;

export const OFFLINE_ACCESS = 'offline_access';

export function createClientSessionOpener(openSession: OpenSession): OpenClientSession {
  return async (user, auth, client, ctx) => {
    const { pair, sessionId } = await openSession(user, ctx, 'login_succeeded', auth, client);
    return { tokens: clientTokenSet(pair, client.scopes), sessionId };
  };
}

/** A session's pair as its client receives it. */
export function clientTokenSet(pair: TokenPair, scopes: readonly string[]): ClientTokenSet {
  const { refresh_token: refreshToken, refresh_expires_in: refreshExpiresIn, ...access } = pair;
  const scope = scopes.join(' ');
  return scopes.includes(OFFLINE_ACCESS) ? { ...access, refresh_token: refreshToken, refresh_expires_in: refreshExpiresIn, scope } : { ...access, scope };
}
