// Signing and verifying the two JWT kinds (docs/architecture.md, "Tokens and keys"). The algorithm
// is pinned, the header `typ` tells an access token (at+jwt, RFC 9068) from a refresh token
// (rt+jwt), and headers that could steer key selection (jku, jwk, x5u, x5c; kid too under HS256)
// are refused, as are unknown `crit` entries. With an asymmetric key ring, access tokens carry a
// `kid` that must name a known key; the time rules are token-times.ts. HS256 (refresh tokens
// always, access tokens by default) goes through fast-jwt: synchronous node:crypto HMAC with the
// key prepared once, ≈ 10 µs a token where jose's WebCrypto path costs ≈ 45–90 µs and a trip to
// libuv's pool, which argon2 keeps busy. The ring's algorithms use jose, loaded only when a ring is
// configured (it is ≈ 3 MB of idle memory).
import type { KeyObject } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { JWTPayload, JWTHeaderParameters } from 'jose';
import type { KeyPresence } from '@gatehouse-auth/verify';
import { AuthError, type ErrorCode } from '../errors.js';
import { ASYMMETRIC_ALGS } from './key-set.js';
import type { AccessKeyRing } from './key-ring.js';
import type { SigningKeys } from './keys.js';
import { readClientClaims, type ClientTokenClaims } from './client-token-claims.js';
import { acceptExpired, checkIssuedAt, checkTimes, type TimeOptions, type TimeRules } from './token-times.js';

const ALG = 'HS256';
export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'rt+jwt';
const KEY_STEERING_HEADERS = ['kid', 'jku', 'jwk', 'x5u', 'x5c'] as const;
/** Under an asymmetric key ring `kid` selects among known keys; the others stay refused. */
const REMOTE_KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  name: string;
  role: string;
  jti: string;
  iat: number;
  exp: number;
  /** RFC 8176 methods of the session's authentication (core/login/amr.ts); absent on older tokens. */
  amr?: string[];
  /** When the user last authenticated, epoch seconds (OpenID Connect Core §2); absent on older tokens. */
  auth_time?: number;
  /** Whether the user's address is verified (OpenID Connect Core §5.1), when the token was signed; absent on older tokens. */
  email_verified?: boolean;
  /** The relying party of a client-bound session (docs/architecture.md, "OpenID Connect tokens and consent"), RFC 9068 §2.2; absent otherwise. */
  client_id?: string;
  /** With client_id: the space-separated scope values the user granted that client. */
  scope?: string;
}

export interface RefreshTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface TokenSettings {
  issuer: string;
  audience?: string;
  clockToleranceSeconds: number;
  /** An access token claiming a longer `exp` − `iat` is refused (token-times.ts). */
  accessTokenTtlSeconds: number;
}

export type VerifyOptions = TimeOptions;

export interface Tokens {
  signAccessToken(claims: AccessTokenClaims): Promise<string>;
  signRefreshToken(claims: RefreshTokenClaims): Promise<string>;
  verifyAccessToken(token: string, options: VerifyOptions): Promise<AccessTokenClaims>;
  verifyRefreshToken(token: string, options: VerifyOptions): Promise<RefreshTokenClaims>;
  /** A machine client's access token (client-token-claims.ts): same keys and checks, other claims. */
  signClientToken(claims: ClientTokenClaims): Promise<string>;
  verifyClientToken(token: string, options: VerifyOptions): Promise<ClientTokenClaims>;
  /** The ring's presence under an asymmetric JWT_ALG, for the verified-token cache; none under HS256 (the key never changes). */
  accessKeys?: KeyPresence;
}

interface Expectation extends TimeRules {
  typ: string;
  algorithms: readonly string[];
  issuer?: string;
  audience?: string;
}

export function createTokens(keys: SigningKeys, settings: TokenSettings): Tokens {
  const ring = keys.accessKeyRing;
  const { clockToleranceSeconds } = settings;
  const access: Expectation = {
    typ: ACCESS_TYP, algorithms: ring ? ASYMMETRIC_ALGS : [ALG], issuer: settings.issuer, audience: settings.audience,
    invalid: 'invalid_token', expired: 'token_expired', clockToleranceSeconds, maxLifetimeSeconds: settings.accessTokenTtlSeconds,
  };
  const refresh: Expectation = {
    typ: REFRESH_TYP, algorithms: [ALG], invalid: 'invalid_refresh_token', expired: 'refresh_token_expired', clockToleranceSeconds,
  };
  const hsAccess = hs256(keys.access, access);
  const hsRefresh = hs256(keys.refresh, refresh);
  const signAccess = async (claims: object) => {
    const payload: JWTPayload = { iss: settings.issuer, ...claims };
    if (settings.audience) payload.aud = settings.audience;
    return ring ? signWithRing(ring, payload) : hsAccess.sign(payload);
  };
  const verifyAccess = async (token: string, options: VerifyOptions) =>
    (ring ? verifyWithRing(ring, token, access, settings, options) : hsAccess.verify(token, options));
  return {
    signAccessToken: signAccess,
    signRefreshToken: async (claims) => hsRefresh.sign({ ...claims }),
    verifyAccessToken: async (token, options) => readAccessClaims(await verifyAccess(token, options)),
    signClientToken: signAccess,
    verifyClientToken: async (token, options) => readClientClaims(await verifyAccess(token, options)),
    verifyRefreshToken: async (token, options) => readRefreshClaims(hsRefresh.verify(token, options)),
    accessKeys: ring,
  };
}

/**
 * HS256 with one derived key, signer and verifier built once. The verifier checks signature,
 * algorithm, `typ`, `iss`, `aud` and `crit`; time is checked by token-times.ts against the injected clock.
 */
function hs256(key: KeyObject, expected: Expectation) {
  const secret = key.export();
  const sign = createSigner({ key: secret, algorithm: ALG, header: { alg: ALG, typ: expected.typ } });
  const verifySignature = createVerifier({
    key: secret, algorithms: [ALG], complete: true, checkTyp: expected.typ,
    allowedIss: expected.issuer, allowedAud: expected.audience,
    requiredClaims: [...(expected.issuer ? ['iss'] : []), ...(expected.audience ? ['aud'] : [])],
    ignoreExpiration: true, ignoreNotBefore: true, cache: false,
  });
  return {
    sign: (payload: JWTPayload): string => sign(payload),
    verify(token: string, options: VerifyOptions): JWTPayload {
      let decoded: { header: JWTHeaderParameters; payload: JWTPayload };
      try {
        decoded = verifySignature(token);
      } catch {
        throw new AuthError(expected.invalid, 'The token is malformed, forged or not of the expected kind.');
      }
      refuseKeySteering(decoded.header, null, KEY_STEERING_HEADERS, expected.invalid);
      return checkTimes(decoded.payload, expected, options);
    },
  };
}

/**
 * Signs with the key that signs at the token's `iat`: a grace replay, minted again with the same
 * `iat`, gets the same key even across the moment a rotated-in key takes over.
 */
async function signWithRing(ring: AccessKeyRing, payload: JWTPayload): Promise<string> {
  const { kid, alg, privateKey } = await ring.signingKey(Number(payload.iat) * 1000);
  const { SignJWT } = await import('jose');
  return new SignJWT(payload).setProtectedHeader({ alg, typ: ACCESS_TYP, kid }).sign(privateKey);
}

/** The ring's public key named by `kid`, for the header's algorithm, still inside its window. */
async function ringKey(ring: AccessKeyRing, header: JWTHeaderParameters, options: VerifyOptions): Promise<KeyObject> {
  refuseKeySteering(header, null, REMOTE_KEY_HEADERS, 'invalid_token');
  if (typeof header.kid !== 'string') throw new AuthError('invalid_token', 'The token header must name its key ("kid").');
  const key = await ring.verificationKey(header.kid, header.alg, options.nowMs, options.allowExpiredSeconds !== undefined);
  if (!key) throw new AuthError('invalid_token', 'The token was signed by an unknown or retired key.');
  return key;
}

async function verifyWithRing(
  ring: AccessKeyRing, token: string, expected: Expectation, settings: TokenSettings, options: VerifyOptions,
): Promise<JWTPayload> {
  const { jwtVerify, errors: joseErrors } = await import('jose');
  try {
    const { payload } = await jwtVerify(token, (header) => ringKey(ring, header, options), {
      algorithms: [...expected.algorithms],
      typ: expected.typ,
      issuer: expected.issuer,
      audience: expected.audience,
      currentDate: new Date(options.nowMs),
      clockTolerance: settings.clockToleranceSeconds,
    });
    checkIssuedAt(payload, expected, options);
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      // jose checks `exp` last, after the signature and every other claim: an expired token
      // reaching here is otherwise valid, and the reissue path may accept it for a while.
      checkIssuedAt(error.payload, expected, options);
      acceptExpired(Number(error.payload.exp), expected, options);
      return error.payload;
    }
    if (error instanceof AuthError) throw error;
    throw new AuthError(expected.invalid, 'The token is malformed, forged or not of the expected kind.');
  }
}

function refuseKeySteering<K extends KeyObject | null>(
  header: JWTHeaderParameters, key: K, names: readonly string[], invalid: ErrorCode,
): K {
  for (const name of names) {
    if (header[name] !== undefined) throw new AuthError(invalid, `The token header must not carry "${name}".`);
  }
  return key;
}

function readAccessClaims(p: JWTPayload): AccessTokenClaims {
  const { sub, sid, name, role, jti, iat, exp, amr, auth_time, email_verified, client_id: clientId, scope } = p as Record<string, unknown>;
  if (!isText(sub, sid, name, role, jti) || !isNumber(iat, exp)) {
    throw new AuthError('invalid_token', 'The token lacks required claims.');
  }
  const claims = { sub, sid, name, role, jti, iat, exp } as AccessTokenClaims;
  if (typeof email_verified === 'boolean') claims.email_verified = email_verified;
  if (clientId !== undefined || scope !== undefined) {
    if (!isText(clientId) || typeof scope !== 'string') throw new AuthError('invalid_token', 'The token\'s client_id or scope claim is malformed.');
    Object.assign(claims, { client_id: clientId, scope });
  }
  if (amr === undefined && auth_time === undefined) return claims; // minted before sessions carried amr: still valid
  if (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string') || !isNumber(auth_time)) {
    throw new AuthError('invalid_token', 'The token\'s amr or auth_time claim is malformed.');
  }
  return { ...claims, amr: amr as string[], auth_time: auth_time as number };
}

function readRefreshClaims(p: JWTPayload): RefreshTokenClaims {
  const { sub, sid, jti, iat, exp } = p as Record<string, unknown>;
  if (!isText(sub, sid, jti) || !isNumber(iat, exp)) {
    throw new AuthError('invalid_refresh_token', 'The refresh token lacks required claims.');
  }
  return { sub, sid, jti, iat, exp } as RefreshTokenClaims;
}

const isText = (...values: unknown[]) => values.every((v) => typeof v === 'string' && v.length > 0);
const isNumber = (...values: unknown[]) => values.every((v) => typeof v === 'number' && Number.isFinite(v));
