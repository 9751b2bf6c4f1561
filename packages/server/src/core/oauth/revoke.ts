// Token revocation (RFC 7009): a refresh token or an access token ends the session it belongs to,
// as a logout of that session does. A token that is invalid, expired or unknown is no error
// (§2.2): there is nothing left to revoke. `token_type_hint` only says which kind to try first (§2.1).
import { authErrorOf } from '../errors.js';
import type { RequestContext } from '../context.js';
import type { LogoutRequest } from '../sessions/logout.js';

export type TokenTypeHint = 'access_token' | 'refresh_token';

export interface RevocationRequest {
  token: string;
  /** Any other value counts as no hint (§2.1: the server extends its search to every kind). */
  hint?: string;
}

export type TokenRevocation = (input: RevocationRequest, ctx?: RequestContext) => Promise<void>;

type Logout = (input: LogoutRequest, ctx?: RequestContext) => Promise<void>;

/** Built on the logout of one session (scope=local), so a revocation is audited as that logout is. */
export function createTokenRevocation(deps: { logout: Logout }): TokenRevocation {
  return async function revoke(input, ctx) {
    const kinds: Array<keyof LogoutRequest> = input.hint === 'access_token' ? ['accessToken', 'refreshToken'] : ['refreshToken', 'accessToken'];
    for (const kind of kinds) {
      try {
        await deps.logout({ [kind]: input.token, scope: 'local' }, ctx);
        return;
      } catch (error) {
        if (!isTokenRefusal(error)) throw error; // a store that is down is a 503, not a silent 200
      }
    }
  };
}

/** The token was not a valid token of the kind tried (forged, expired, of the other kind). */
function isTokenRefusal(error: unknown): boolean {
  const known = authErrorOf(error);
  return known !== undefined && known.statusCode === 401;
}
