// Where @gatehouse-auth/verify gets its keys: the Gatehouse master secret (HS256 with the derived access
// key, HMAC-SHA256(secret, "access")), or the server's JWKS URL for EdDSA / ES256 / RS256 tokens,
// cached by jose and refetched once on an unknown kid, no more often than its cooldown allows.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, type FlattenedJWSInput, type JWTHeaderParameters } from 'jose';
import { VerifyError } from './errors.js';

export interface KeySource {
  /** The algorithms a token may use: pinned here, never taken from the token alone. */
  readonly algorithms: readonly string[];
  /** Picks the verification key for a token header (a jose key resolver). */
  resolve(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<KeyObject | CryptoKey>;
}

/** Headers that would let a token pick or bring its own key (RFC 8725 §3.10): always refused. */
const REMOTE_KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

export const JWKS_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;

/** HS256 with the access key derived from the Gatehouse master secret (its UTF-8 bytes). */
export function sharedSecretKeySource(secret: string): KeySource {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('sharedSecretKeySource: secret must be a non-empty string');
  const key = createSecretKey(createHmac('sha256', Buffer.from(secret, 'utf8')).update('access').digest());
  return {
    algorithms: ['HS256'],
    resolve: async (header) => {
      refuseHeaders(header, ['kid', ...REMOTE_KEY_HEADERS]); // Gatehouse's HS256 tokens never carry a kid
      return key;
    },
  };
}

export interface RemoteJwksOptions {
  /** After a fetch, how long an unknown kid waits before it may trigger another. Default 30 000. */
  cooldownMs?: number;
  /** Refetch the whole set after this long even without an unknown kid. Default 600 000. */
  cacheMaxAgeMs?: number;
  /** Abort a JWKS request after this long. Default 5 000. */
  timeoutMs?: number;
  /** Narrow the accepted algorithms, e.g. ['EdDSA']. Default EdDSA, ES256 and RS256. */
  algorithms?: ReadonlyArray<(typeof JWKS_ALGORITHMS)[number]>;
}

/** Keys from a Gatehouse `/.well-known/jwks.json`; tokens must name their key with `kid`. */
export function remoteJwksKeySource(url: string | URL, options: RemoteJwksOptions = {}): KeySource {
  const algorithms = options.algorithms ?? JWKS_ALGORITHMS;
  if (algorithms.some((alg) => !JWKS_ALGORITHMS.includes(alg))) throw new TypeError(`remoteJwksKeySource: algorithms must be among ${JWKS_ALGORITHMS.join(', ')}`);
  const jwks = createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs, cacheMaxAge: options.cacheMaxAgeMs, timeoutDuration: options.timeoutMs,
  });
  return {
    algorithms,
    resolve: async (header, token) => {
      refuseHeaders(header, REMOTE_KEY_HEADERS);
      if (typeof header.kid !== 'string') throw new VerifyError('invalid_token', 'The token header must name its key ("kid").');
      try {
        return await jwks(header, token);
      } catch (error) {
        if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
          throw new VerifyError('invalid_token', 'The token was signed by a key the issuer does not publish.');
        }
        if (error instanceof joseErrors.JOSENotSupported) throw new VerifyError('invalid_token', 'Unsupported token algorithm.');
        throw new VerifyError('key_source_unavailable', 'The issuer\'s public keys could not be fetched.', { cause: error });
      }
    },
  };
}

function refuseHeaders(header: JWTHeaderParameters, names: readonly string[]): void {
  for (const name of names) {
    if (header[name] !== undefined) throw new VerifyError('invalid_token', `The token header must not carry "${name}".`);
  }
}
