// Token introspection (RFC 7662) for resource servers: whether a token is active now, and whose it
// is. An access token is active while it verifies and its session and user are live (what the
// server's own guard checks); a refresh token while it verifies, its session and user are live and
// it is the session's current token (or the previous one inside the grace window). Anything else,
// a logged-out session above all, answers {active: false} at once (§2.2).
import { authErrorOf } from '../errors.js';
import type { CoreDeps } from '../context.js';
import type { Authenticator } from '../sessions/authenticate.js';
import { sessionAndUserReader } from '../sessions/session-and-user.js';
import { refreshTokenStanding } from '../tokens/token-pair.js';
import { hashToken } from '../tokens/secret-hash.js';

export interface IntrospectionSettings {
  issuer: string;
  audience: string | undefined;
  refreshGraceSeconds: number;
}

export interface IntrospectionRequest {
  token: string;
  /** "refresh_token" tries that kind first; anything else, the access token first (§2.1). */
  hint?: string;
}

/**
 * RFC 7662 §2.2. `token_type` is "bearer" for an access token (its RFC 6749 §5.1 type, as /token
 * answers it) and "refresh_token" for a refresh token. A machine client's token (client_credentials)
 * answers its `client_id` and `scope` instead of a session and a user name.
 */
export type IntrospectionAnswer =
  | { active: false }
  | {
    active: true; sub: string; sid: string; username: string; exp: number; iat: number; iss: string; aud?: string;
    token_type: 'bearer' | 'refresh_token';
    /** A session opened for a client (docs/architecture.md, "OpenID Connect tokens and consent"): that client and the scope granted. */
    client_id?: string; scope?: string;
  }
  | { active: true; sub: string; client_id: string; scope: string; exp: number; iat: number; iss: string; aud?: string; token_type: 'bearer' };

export type Introspect = (input: IntrospectionRequest) => Promise<IntrospectionAnswer>;

type Deps = Pick<CoreDeps, 'tokens' | 'users' | 'sessions' | 'sessionAndUser' | 'clock'> & { authenticate: Authenticator['authenticate'] };

export function createIntrospection(deps: Deps, settings: IntrospectionSettings): Introspect {
  const { tokens, clock } = deps;
  const readSessionAndUser = sessionAndUserReader(deps);
  const aud = settings.audience === undefined ? {} : { aud: settings.audience };

  async function asAccessToken(token: string): Promise<IntrospectionAnswer> {
    const { claims, user } = await deps.authenticate(token);
    const { sub, sid, exp, iat } = claims;
    const client = claims.client_id === undefined ? {} : { client_id: claims.client_id, scope: claims.scope };
    return { active: true, sub, sid, username: user.username, exp, iat, iss: settings.issuer, ...aud, token_type: 'bearer', ...client };
  }

  async function asRefreshToken(token: string): Promise<IntrospectionAnswer> {
    const nowMs = clock.now();
    const { sub, sid, exp, iat } = await tokens.verifyRefreshToken(token, { nowMs });
    const { session, user } = await readSessionAndUser(sub, sid);
    const live = session && !session.revokedAt && session.expiresAt.getTime() > nowMs && user && !user.disabled
      // no client to compare here: only the current token is active, a previous one never (fingerprint.ts)
      && refreshTokenStanding(session, { hash: hashToken(token), fingerprint: null }, nowMs, settings.refreshGraceSeconds) === 'current';
    if (!live) return { active: false };
    const client = session.client ? { client_id: session.client.clientId, scope: session.client.scopes.join(' ') } : {};
    return { active: true, sub, sid, username: user.username, exp, iat, iss: settings.issuer, token_type: 'refresh_token', ...client };
  }

  /** A machine client's token is active while it verifies: it has no session to end (core/oidc/client-credentials-grant.ts). */
  async function asClientToken(token: string): Promise<IntrospectionAnswer> {
    const { sub, client_id: clientId, scope, exp, iat } = await tokens.verifyClientToken(token, { nowMs: clock.now() });
    return { active: true, sub, client_id: clientId, scope, exp, iat, iss: settings.issuer, ...aud, token_type: 'bearer' };
  }

  return async function introspect(input) {
    const kinds = input.hint === 'refresh_token' ? [asRefreshToken, asAccessToken, asClientToken] : [asAccessToken, asClientToken, asRefreshToken];
    for (const kind of kinds) {
      try {
        const answer = await kind(input.token);
        if (answer.active) return answer;
      } catch (error) {
        if (!isTokenRefusal(error)) throw error; // a store that is down is a 503, never "inactive"
      }
    }
    return { active: false };
  };
}

/** Refused as a token of that kind: forged, expired, of the other kind, its session or user gone or disabled. */
function isTokenRefusal(error: unknown): boolean {
  const status = authErrorOf(error)?.statusCode;
  return status === 401 || status === 403;
}
