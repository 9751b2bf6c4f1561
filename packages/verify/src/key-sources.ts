// Where @gatehouse-auth/verify gets its keys: the HS256 access key (`gatehouse secret --access-key`),
// the Gatehouse master secret (discouraged: it also derives the refresh key), or the server's JWKS
// URL for EdDSA / ES256 / RS256 tokens, cached by jose and refetched once on an unknown kid, no more
// often than its cooldown allows. A JWKS source tells the token cache when a kid left the set.
import { DEFAULT_JWKS_COOLDOWN_MS } from './jwks-timing.js';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet, errors as joseErrors, jwksCache, type ExportedJWKSCache, type FlattenedJWSInput, type JWKSCacheInput,
  type JWTHeaderParameters, type RemoteJWKSet,
} from 'jose';
import { VerifyError } from './errors.js';
import type { KeyPresence } from './token-cache.js';

export interface KeySource {
  /** The algorithms a token may use: pinned here, never taken from the token alone. */
  readonly algorithms: readonly string[];
  /** Picks the verification key for a token header (a jose key resolver). */
  resolve(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<KeyObject | CryptoKey>;
  /** For sources whose keys can leave (a JWKS): lets the token cache drop tokens of a removed kid. */
  readonly presence?: KeyPresence;
  /** Why a token's algorithm is not among `algorithms`, when the source can tell better than "forged". */
  explainAlgorithm?(alg: unknown): Promise<VerifyError | undefined>;
}

/** Headers that would let a token pick or bring its own key (RFC 8725 §3.10): always refused. */
const REMOTE_KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

export const JWKS_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;

/** What `gatehouse secret --access-key` prints: 32 bytes as base64url (43 characters) or hex (64). */
const ACCESS_KEY_BASE64URL = /^[A-Za-z0-9_-]{43}$/;
const ACCESS_KEY_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * HS256 with the access key alone, HMAC-SHA256(secret, "access"), as `gatehouse secret --access-key`
 * prints it. A service holding it can check (and, HMAC being symmetric, mint) access tokens, but
 * never derive the refresh key. Several services: prefer asymmetric keys and remoteJwksKeySource.
 */
export function accessKeySource(accessKey: string): KeySource {
  const bytes = typeof accessKey !== 'string' ? undefined
    : ACCESS_KEY_BASE64URL.test(accessKey) ? Buffer.from(accessKey, 'base64url')
      : ACCESS_KEY_HEX.test(accessKey) ? Buffer.from(accessKey, 'hex') : undefined;
  if (!bytes) {
    throw new TypeError('accessKeySource: accessKey must be the output of `gatehouse secret --access-key` (43 base64url or 64 hex characters)');
  }
  return hs256Source(createSecretKey(bytes));
}

let sharedSecretWarned = false;

/**
 * HS256 with the access key derived here from the Gatehouse master secret (its UTF-8 bytes).
 * Discouraged: the master secret also derives the refresh key, so a service holding it can mint
 * any token. Use accessKeySource with `gatehouse secret --access-key`, or a JWKS.
 */
export function sharedSecretKeySource(secret: string): KeySource {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('sharedSecretKeySource: secret must be a non-empty string');
  if (!sharedSecretWarned) {
    sharedSecretWarned = true;
    process.emitWarning('sharedSecretKeySource gives this service the Gatehouse master secret, from which the refresh key derives: '
      + 'use accessKeySource(`gatehouse secret --access-key`) or a JWKS instead.', { type: 'SecurityWarning', code: 'GATEHOUSE_MASTER_SECRET' });
  }
  return hs256Source(createSecretKey(createHmac('sha256', Buffer.from(secret, 'utf8')).update('access').digest()));
}

function hs256Source(key: KeyObject): KeySource {
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
  /**
   * Refetch the whole set after this long even without an unknown kid; a kid gone from the set
   * stops its cached tokens from passing at the latest this long after. Default 600 000.
   */
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
  const cacheMaxAgeMs = options.cacheMaxAgeMs ?? 600_000;
  const fetched: Partial<ExportedJWKSCache> = {}; // jose writes each set it fetches here
  const jwks = createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS, cacheMaxAge: cacheMaxAgeMs, timeoutDuration: options.timeoutMs,
    [jwksCache]: fetched as JWKSCacheInput,
  });
  const kids = followKids(jwks, fetched, cacheMaxAgeMs);
  return {
    algorithms,
    presence: kids.presence,
    // A default server signs HS256 and publishes {"keys":[]}: say so instead of "malformed, forged…"
    explainAlgorithm: async (alg) => {
      if (alg !== 'HS256') return undefined;
      // within the cooldown the set last fetched answers: a burst of HS256 tokens fetches it once
      const keys = jwks.coolingDown && jwks.jwks() ? jwks.jwks()?.keys : await jwks.reload().then(() => jwks.jwks()?.keys, () => undefined);
      if (keys === undefined || keys.length > 0) return undefined;
      return new VerifyError('invalid_token', `The JWKS at ${String(url)} has no keys: the server signs with a shared key (HS256); `
        + 'use accessKeySource with the output of `gatehouse secret --access-key`, or set JWT_ALG on the server.');
    },
    resolve: async (header, token) => {
      refuseHeaders(header, REMOTE_KEY_HEADERS);
      if (typeof header.kid !== 'string') throw new VerifyError('invalid_token', 'The token header must name its key ("kid").');
      await kids.refetching(); // a refetch started by a cache hit: verify against its answer
      try {
        return await jwks(header, token);
      } catch (error) {
        if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
          throw new VerifyError('invalid_token', 'The token was signed by a key the issuer does not publish.');
        }
        if (error instanceof joseErrors.JOSENotSupported) throw new VerifyError('invalid_token', 'Unsupported token algorithm.');
        throw new VerifyError('key_source_unavailable', 'The issuer\'s public keys could not be fetched.', { cause: error });
      } finally {
        kids.observe(); // jose may have refetched (stale set, unknown kid)
      }
    },
  };
}

/**
 * The kids of the last fetched set, and a generation that moves when one of them is gone, for the
 * token cache. A cache hit (which never reaches jose) refetches in the background once the set is
 * `pollMs` old by the caller's clock, so a removed kid is noticed even when no new token comes.
 */
function followKids(jwks: RemoteJWKSet, fetched: Partial<ExportedJWKSCache>, pollMs: number) {
  let generation = 0;
  let kids = new Set<string>();
  let seen: unknown;
  let polledAtMs: number | undefined;
  let pending: Promise<void> | undefined;
  const observe = () => {
    if (fetched.jwks === seen || !fetched.jwks) return;
    seen = fetched.jwks;
    const next = new Set(fetched.jwks.keys.map((jwk) => jwk.kid).filter((kid): kid is string => typeof kid === 'string'));
    if ([...kids].some((kid) => !next.has(kid))) generation += 1;
    kids = next;
  };
  const presence: KeyPresence = {
    generation(nowMs) {
      if (polledAtMs === undefined || nowMs - polledAtMs < pollMs || pending) {
        polledAtMs ??= nowMs;
        return generation;
      }
      polledAtMs = nowMs;
      pending = jwks.reload().then(observe, () => undefined).finally(() => { pending = undefined; });
      return generation;
    },
    has: (kid) => kids.has(kid),
  };
  return { presence, observe, refetching: () => pending };
}

function refuseHeaders(header: JWTHeaderParameters, names: readonly string[]): void {
  for (const name of names) {
    if (header[name] !== undefined) throw new VerifyError('invalid_token', `The token header must not carry "${name}".`);
  }
}
