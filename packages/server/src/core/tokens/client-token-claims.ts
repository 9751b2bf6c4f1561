// The claims of a machine client's access token (the OAuth 2.0 client_credentials grant, RFC 6749
// §4.4): the client is the subject (`sub` = `client_id`, RFC 9068 §2.2), with the scope it was
// granted, and no session, user name or role. It is an at+jwt like a user's, signed by the same
// keys, but neither reading accepts the other's: a user token has `sid`, a client token must not.
import type { JWTPayload } from 'jose';
import { AuthError } from '../errors.js';

export interface ClientTokenClaims {
  sub: string;
  client_id: string;
  /** Space-separated scope values granted (RFC 8693 §4.2 / RFC 9068 §2.2.3). */
  scope: string;
  jti: string;
  iat: number;
  exp: number;
}

export function readClientClaims(p: JWTPayload): ClientTokenClaims {
  const { sub, client_id: clientId, scope, jti, iat, exp, sid } = p as Record<string, unknown>;
  const texts = [sub, clientId, jti].every((v) => typeof v === 'string' && v.length > 0);
  if (!texts || sub !== clientId || typeof scope !== 'string' || typeof iat !== 'number' || typeof exp !== 'number' || sid !== undefined) {
    throw new AuthError('invalid_token', 'The token is not a client\'s access token.');
  }
  return { sub: sub as string, client_id: clientId as string, scope, jti: jti as string, iat, exp };
}
