// Signing and verifying the two JWT kinds (design §4). The algorithm is pinned, the header `typ`
// tells an access token (at+jwt, RFC 9068) from a refresh token (rt+jwt), and headers that could
// steer key selection (kid, jku, jwk, x5u, x5c) are refused, as are unknown `crit` entries.
import type { KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { AuthError, type ErrorCode } from './errors.js';
import type { SigningKeys } from './keys.js';

const ALG = 'HS256';
export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'rt+jwt';
const KEY_STEERING_HEADERS = ['kid', 'jku', 'jwk', 'x5u', 'x5c'] as const;

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

export function createTokens(keys: SigningKeys, settings: TokenSettings): Tokens {
  return {
    signAccessToken: (claims) => {
      const payload: JWTPayload = { iss: settings.issuer, ...claims };
      if (settings.audience) payload.aud = settings.audience;
      return new SignJWT(payload).setProtectedHeader({ alg: ALG, typ: ACCESS_TYP }).sign(keys.access);
    },
    signRefreshToken: (claims) =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: REFRESH_TYP }).sign(keys.refresh),
    verifyAccessToken: async (token, options) => {
      const expected = { issuer: settings.issuer, audience: settings.audience };
      const payload = await verify(token, keys.access, ACCESS_TYP, expected, settings, options, 'invalid_token', 'token_expired');
      return readAccessClaims(payload);
    },
    verifyRefreshToken: async (token, options) => {
      const payload = await verify(token, keys.refresh, REFRESH_TYP, {}, settings, options,
        'invalid_refresh_token', 'refresh_token_expired');
      return readRefreshClaims(payload);
    },
  };
}

async function verify(
  token: string, key: KeyObject, typ: string, expected: { issuer?: string; audience?: string },
  settings: TokenSettings, options: VerifyOptions, invalid: ErrorCode, expired: ErrorCode,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => refuseKeySteering(header, key, invalid), {
      algorithms: [ALG],
      typ,
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
      throw new AuthError(expired, 'The token has expired.');
    }
    if (error instanceof AuthError) throw error;
    throw new AuthError(invalid, 'The token is malformed, forged or not of the expected kind.');
  }
}

function refuseKeySteering(header: JWTHeaderParameters, key: KeyObject, invalid: ErrorCode): KeyObject {
  for (const name of KEY_STEERING_HEADERS) {
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
