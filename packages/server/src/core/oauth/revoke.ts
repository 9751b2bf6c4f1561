// Token revocation (RFC 7009): a refresh token or an access token ends the session it belongs to,
// as a logout of that session does. A token that is invalid, expired or unknown is no error
// (§2.2): there is nothing left to revoke. `token_type_hint` only says which kind to try first (§2.1).
// A registered client that authenticated may revoke only the tokens issued to it (§2.1: the server
// "verifies whether the token was issued to the client making the revocation request"): another
// client's token, or a first-party one, is refused with invalid_grant (RFC 6749 §5.2, "issued to
// another client") and nothing ends. Without client credentials, holding the token is the proof.
import { AuthError, authErrorOf } from '../errors.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { LogoutRequest } from '../sessions/logout.js';

export type TokenTypeHint = 'access_token' | 'refresh_token';

export interface RevocationRequest {
  token: string;
  /** Any other value counts as no hint (§2.1: the server extends its search to every kind). */
  hint?: string;
  /** The registered client that authenticated (or, public, identified itself): only its own tokens. */
  clientId?: string;
}

export type TokenRevocation = (input: RevocationRequest, ctx?: RequestContext) => Promise<void>;

type Logout = (input: LogoutRequest, ctx?: RequestContext) => Promise<void>;

type Kind = 'accessToken' | 'refreshToken';

/** Built on the logout of one session (scope=local), so a revocation is audited as that logout is. */
export function createTokenRevocation(deps: Pick<CoreDeps, 'tokens' | 'sessions' | 'clock'> & { logout: Logout }): TokenRevocation {
  /**
   * The client the token's session was opened for (null: a first-party session); undefined when its
   * session is gone, as there is then nothing left to end. Throws a 401 when it is no token of that kind.
   */
  async function holderOf(kind: Kind, token: string): Promise<string | null | undefined> {
    const nowMs = deps.clock.now();
    if (kind === 'accessToken') return (await deps.tokens.verifyAccessToken(token, { nowMs })).client_id ?? null;
    const { sub, sid } = await deps.tokens.verifyRefreshToken(token, { nowMs });
    const session = await deps.sessions.findById(sub, sid);
    return session ? session.client?.clientId ?? null : undefined;
  }

  return async function revoke(input, ctx) {
    const kinds: Kind[] = input.hint === 'access_token' ? ['accessToken', 'refreshToken'] : ['refreshToken', 'accessToken'];
    for (const kind of kinds) {
      try {
        if (input.clientId !== undefined) {
          const holder = await holderOf(kind, input.token);
          if (holder !== undefined && holder !== input.clientId) {
            throw new AuthError('invalid_grant', 'This token was not issued to the client revoking it (RFC 7009 §2.1).');
          }
        }
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
