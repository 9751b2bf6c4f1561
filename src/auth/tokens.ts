// Signing and verifying the two JWT kinds (design §4). The algorithm is pinned, the header `typ`
// tells an access token (at+jwt, RFC 9068) from a refresh token (rt+jwt), and headers that could
// steer key selection (jku, jwk, x5u, x5c; kid too under HS256) are refused, as are unknown `crit`
// entries. With an asymmetric key ring, access tokens carry a `kid` that must name a known key.
import type { KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { AuthError, type ErrorCode } from './errors.js';
import { ASYMMETRIC_ALGS, type AccessKeyRing } from './key-set.js';
import type { SigningKeys } from './keys.js';

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
}

export interface VerifyOptions {
  nowMs: number;
  /** Accept a token this many seconds past `exp` (the reissue path only, design §5 step 1). */
  allowExpiredSeconds?: number;
}

export interface Tokens {
  signAccessToken(claims: AccessTokenClaims): Promise<string>;
  signRefreshToken(claims: RefreshTokenClaims): Promise<string>;
  verifyAccessToken(token: string, options: VerifyOptions): Promise<AccessTokenClaims>;
  verifyRefreshToken(token: string, options: VerifyOptions): Promise<RefreshTokenClaims>;
}

type KeyResolver = (header: JWTHeaderParameters) => KeyObject | Promise<KeyObject>;

interface Expectation {
  typ: string;
  algorithms: readonly string[];
  issuer?: string;
  audience?: string;
  invalid: ErrorCode;
  expired: ErrorCode;
}

export function createTokens(keys: SigningKeys, settings: TokenSettings): Tokens {
  const ring = keys.accessKeyRing;
  const access: Expectation = {
    typ: ACCESS_TYP, algorithms: ring ? ASYMMETRIC_ALGS : [ALG], issuer: settings.issuer, audience: settings.audience,
    invalid: 'invalid_token', expired: 'token_expired',
  };
  const refresh: Expectation = { typ: REFRESH_TYP, algorithms: [ALG], invalid: 'invalid_refresh_token', expired: 'refresh_token_expired' };
  return {
    signAccessToken: (claims) => {
      const payload: JWTPayload = { iss: settings.issuer, ...claims };
      if (settings.audience) payload.aud = settings.audience;
      return ring ? signWithRing(ring, payload) : new SignJWT(payload).setProtectedHeader({ alg: ALG, typ: ACCESS_TYP }).sign(keys.access);
    },
    signRefreshToken: (claims) =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: REFRESH_TYP }).sign(keys.refresh),
    verifyAccessToken: async (token, options) => {
      const resolve: KeyResolver = ring
        ? (header) => ringKey(ring, header, options)
        : (header) => refuseKeySteering(header, keys.access, KEY_STEERING_HEADERS, 'invalid_token');
      return readAccessClaims(await verify(token, resolve, access, settings, options));
    },
    verifyRefreshToken: async (token, options) => {
      const resolve: KeyResolver = (header) => refuseKeySteering(header, keys.refresh, KEY_STEERING_HEADERS, 'invalid_refresh_token');
      return readRefreshClaims(await verify(token, resolve, refresh, settings, options));
    },
  };
}

async function signWithRing(ring: AccessKeyRing, payload: JWTPayload): Promise<string> {
  const { kid, alg, privateKey } = await ring.signingKey();
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

async function verify(
  token: string, resolveKey: KeyResolver, expected: Expectation, settings: TokenSettings, options: VerifyOptions,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, resolveKey, {
      algorithms: [...expected.algorithms],
      typ: expected.typ,
      issuer: expected.issuer,
      audience: expected.audience,
      currentDate: new Date(options.nowMs),
      clockTolerance: settings.clockToleranceSeconds,
    });
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      // jose checks `exp` last, after the signature and every other claim: an expired token
      // reaching here is otherwise valid, and the reissue path may accept it for a while.
      const overdueSeconds = options.nowMs / 1000 - Number(error.payload.exp) - settings.clockToleranceSeconds;
      if (options.allowExpiredSeconds !== undefined && overdueSeconds < options.allowExpiredSeconds) return error.payload;
      throw new AuthError(expected.expired, 'The token has expired.');
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
  const { sub, sid, name, role, jti, iat, exp } = p as Record<string, unknown>;
  if (!isText(sub, sid, name, role, jti) || !isNumber(iat, exp)) {
    throw new AuthError('invalid_token', 'The token lacks required claims.');
  }
  return { sub, sid, name, role, jti, iat, exp } as AccessTokenClaims;
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
