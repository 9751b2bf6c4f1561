// Access and refresh JWTs (docs/architecture.md, "Tokens and keys"): HS256 pinned, `typ` tells the
// kinds apart, each kind has its own key, key-steering and unknown `crit` headers are refused,
// claims are required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, decodeJwt, generateKeyPair, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { deriveSigningKeys } from '../../../src/core/tokens/keys.js';
import { createTokens, type AccessTokenClaims, type RefreshTokenClaims, type VerifyOptions } from '../../../src/core/tokens/tokens.js';
import { AuthError } from '../../../src/core/errors.js';

const SECRET = '9f2c1e7a4b8d3f6e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';
const keys = deriveSigningKeys(SECRET);
const SETTINGS = { issuer: 'gatehouse', clockToleranceSeconds: 5, accessTokenTtlSeconds: 900 };
const tokens = createTokens(keys, SETTINGS);

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW = NOW_MS / 1000;
const TTL = 900;
const at = (secondsFromNow: number): VerifyOptions => ({ nowMs: NOW_MS + secondsFromNow * 1000 });

const ACCESS: AccessTokenClaims = {
  sub: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', sid: 'session-1', name: 'alice', role: 'user',
  jti: 'jti-access-1', iat: NOW, exp: NOW + TTL,
};
const REFRESH: RefreshTokenClaims = { sub: ACCESS.sub, sid: ACCESS.sid, jti: 'jti-refresh-1', iat: NOW, exp: NOW + 7 * 86_400 };
const ACCESS_PAYLOAD: JWTPayload = { iss: 'gatehouse', ...ACCESS };

/** Signs with jose, any header it will produce. */
function forge(payload: JWTPayload, header: JWTHeaderParameters, key: KeyObject | CryptoKey = keys.access): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a token by hand, for headers jose refuses to sign: HMAC-SHA256 over it, or no signature. */
function forgeRaw(header: Record<string, unknown>, payload: JWTPayload, key: KeyObject | null = keys.access): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = key ? createHmac('sha256', key.export()).update(input).digest('base64url') : '';
  return `${input}.${signature}`;
}

async function refusesAccess(token: string, code: string, options = at(0)) {
  await assert.rejects(tokens.verifyAccessToken(token, options), (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

async function refusesRefresh(token: string, code: string, options = at(0)) {
  await assert.rejects(tokens.verifyRefreshToken(token, options), (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

// Round trips and headers

test('an access token verifies back to exactly the claims it was signed with', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  assert.deepEqual(await tokens.verifyAccessToken(token, at(0)), ACCESS);
});

test('a refresh token verifies back to exactly the claims it was signed with', async () => {
  const token = await tokens.signRefreshToken(REFRESH);
  assert.deepEqual(await tokens.verifyRefreshToken(token, at(0)), REFRESH);
});

test('an access token header is {alg: HS256, typ: at+jwt} and its payload carries iss', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'at+jwt' });
  assert.deepEqual(decodeJwt(token), ACCESS_PAYLOAD);
});

test('a refresh token header is {alg: HS256, typ: rt+jwt} and its payload holds only its claims', async () => {
  const token = await tokens.signRefreshToken(REFRESH);
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'rt+jwt' });
  assert.deepEqual(decodeJwt(token), REFRESH);
});

test('a hand-built HS256 token with the right header and key verifies (the forging helper is sound)', async () => {
  const token = forgeRaw({ alg: 'HS256', typ: 'at+jwt' }, ACCESS_PAYLOAD);
  assert.deepEqual(await tokens.verifyAccessToken(token, at(0)), ACCESS);
});

// One kind never passes as the other

test('rejects an access token presented as a refresh token', async () => {
  await refusesRefresh(await tokens.signAccessToken(ACCESS), 'invalid_refresh_token');
});

test('rejects a refresh token presented as an access token', async () => {
  await refusesAccess(await tokens.signRefreshToken(REFRESH), 'invalid_token');
});

test('rejects an access token signed with the access key but typed rt+jwt', async () => {
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'HS256', typ: 'rt+jwt' }), 'invalid_token');
});

test('rejects an access-typed token signed with the refresh key', async () => {
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'HS256', typ: 'at+jwt' }, keys.refresh), 'invalid_token');
});

test('rejects an access token with no typ or typ JWT', async () => {
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'HS256' }), 'invalid_token');
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'HS256', typ: 'JWT' }), 'invalid_token');
});

test('rejects a token signed with another secret', async () => {
  const other = createTokens(deriveSigningKeys(`${SECRET.slice(1)}0`), SETTINGS);
  await refusesAccess(await other.signAccessToken(ACCESS), 'invalid_token');
  await refusesRefresh(await other.signRefreshToken(REFRESH), 'invalid_refresh_token');
});

test('rejects a token whose payload was altered after signing', async () => {
  const [header, , signature] = (await tokens.signAccessToken(ACCESS)).split('.');
  await refusesAccess(`${header}.${b64({ ...ACCESS_PAYLOAD, role: 'admin' })}.${signature}`, 'invalid_token');
});

test('rejects strings that are not JWTs', async () => {
  for (const junk of ['', 'abc', 'a.b.c', 'a.b', '...']) {
    await refusesAccess(junk, 'invalid_token');
    await refusesRefresh(junk, 'invalid_refresh_token');
  }
});

// Expiry

test('accepts an access token within the clock tolerance past exp', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  assert.deepEqual(await tokens.verifyAccessToken(token, at(TTL + 4)), ACCESS);
});

test('rejects an access token past exp plus the clock tolerance with token_expired', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  await refusesAccess(token, 'token_expired', at(TTL + 5));
  await refusesAccess(token, 'token_expired', at(TTL + 3600));
});

test('rejects an expired refresh token with refresh_token_expired', async () => {
  const token = await tokens.signRefreshToken(REFRESH);
  await refusesRefresh(token, 'refresh_token_expired', at(7 * 86_400 + 5));
});

test('an expired token signed with the wrong key is invalid, not expired', async () => {
  const token = await forge(ACCESS_PAYLOAD, { alg: 'HS256', typ: 'at+jwt' }, keys.refresh);
  await refusesAccess(token, 'invalid_token', at(TTL + 3600));
});

test('allowExpiredSeconds accepts an access token up to that many seconds past exp', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  assert.deepEqual(await tokens.verifyAccessToken(token, { ...at(TTL + 3600), allowExpiredSeconds: 3600 }), ACCESS);
});

test('allowExpiredSeconds refuses an access token past that many seconds plus the clock tolerance', async () => {
  const token = await tokens.signAccessToken(ACCESS);
  await refusesAccess(token, 'token_expired', { ...at(TTL + 3600 + 5), allowExpiredSeconds: 3600 });
  await refusesAccess(token, 'token_expired', { ...at(TTL + 7200), allowExpiredSeconds: 3600 });
});

test('rejects an access token whose nbf lies beyond the clock tolerance', async () => {
  const token = await forge({ ...ACCESS_PAYLOAD, nbf: NOW + 60 }, { alg: 'HS256', typ: 'at+jwt' });
  await refusesAccess(token, 'invalid_token');
});

test('allowExpiredSeconds relaxes exp only, not nbf', async () => {
  const token = await forge({ ...ACCESS_PAYLOAD, nbf: NOW + 60 }, { alg: 'HS256', typ: 'at+jwt' });
  await refusesAccess(token, 'invalid_token', { ...at(0), allowExpiredSeconds: 3600 });
});

// The algorithm is pinned

test('rejects an unsigned token (alg none)', async () => {
  await refusesAccess(forgeRaw({ alg: 'none', typ: 'at+jwt' }, ACCESS_PAYLOAD, null), 'invalid_token');
  await refusesRefresh(forgeRaw({ alg: 'none', typ: 'rt+jwt' }, { ...REFRESH }, null), 'invalid_refresh_token');
});

test('rejects a token signed with HS512 and the right key', async () => {
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'HS512', typ: 'at+jwt' }), 'invalid_token');
});

test('rejects an RS256 token signed with an RSA key', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  await refusesAccess(await forge(ACCESS_PAYLOAD, { alg: 'RS256', typ: 'at+jwt' }, privateKey), 'invalid_token');
});

test('rejects an RS256-labelled token carrying a valid HMAC-SHA256 signature (algorithm confusion)', async () => {
  await refusesAccess(forgeRaw({ alg: 'RS256', typ: 'at+jwt' }, ACCESS_PAYLOAD), 'invalid_token');
});

// Headers that could steer key selection

const STEERING: Array<[string, unknown]> = [
  ['kid', 'key-1'],
  ['jku', 'https://attacker.example/jwks.json'],
  ['jwk', { kty: 'oct', k: keys.access.export().toString('base64url') }],
  ['x5u', 'https://attacker.example/cert.pem'],
  ['x5c', ['MIIBszCCAVmgAwIBAgIUJ']],
];

for (const [name, value] of STEERING) {
  test(`rejects a correctly signed access token carrying a ${name} header`, async () => {
    const header = { alg: 'HS256', typ: 'at+jwt', [name]: value } as JWTHeaderParameters;
    await refusesAccess(await forge(ACCESS_PAYLOAD, header), 'invalid_token');
  });
}

test('rejects a correctly signed refresh token carrying kid, jku, jwk, x5u or x5c, as invalid_refresh_token', async () => {
  for (const [name, value] of STEERING) {
    const header = { alg: 'HS256', typ: 'rt+jwt', [name]: value } as JWTHeaderParameters;
    await refusesRefresh(await forge({ ...REFRESH }, header, keys.refresh), 'invalid_refresh_token');
  }
});

// crit

test('rejects a token whose crit names a registered claim (exp)', async () => {
  await refusesAccess(forgeRaw({ alg: 'HS256', typ: 'at+jwt', crit: ['exp'], exp: ACCESS.exp }, ACCESS_PAYLOAD), 'invalid_token');
  await refusesAccess(forgeRaw({ alg: 'HS256', typ: 'at+jwt', crit: ['exp'] }, ACCESS_PAYLOAD), 'invalid_token');
});

test('rejects a token with an unknown crit extension', async () => {
  await refusesAccess(forgeRaw({ alg: 'HS256', typ: 'at+jwt', crit: ['x-gatehouse'], 'x-gatehouse': true }, ACCESS_PAYLOAD), 'invalid_token');
  await refusesRefresh(
    forgeRaw({ alg: 'HS256', typ: 'rt+jwt', crit: ['x-gatehouse'], 'x-gatehouse': true }, { ...REFRESH }, keys.refresh),
    'invalid_refresh_token',
  );
});

// Issue time and lifetime (a key that signs far-future or years-long tokens gets one lifetime at most)

test('rejects an access token whose exp − iat exceeds ACCESS_TOKEN_TTL with invalid_token; exactly the TTL passes', async () => {
  const long = await forge({ ...ACCESS_PAYLOAD, exp: NOW + TTL + 1 }, { alg: 'HS256', typ: 'at+jwt' });
  await refusesAccess(long, 'invalid_token');
  const year = await forge({ ...ACCESS_PAYLOAD, exp: NOW + 365 * 86_400 }, { alg: 'HS256', typ: 'at+jwt' });
  await refusesAccess(year, 'invalid_token', at(3600));
  const exact = await forge({ ...ACCESS_PAYLOAD, exp: NOW + TTL }, { alg: 'HS256', typ: 'at+jwt' });
  assert.deepEqual(await tokens.verifyAccessToken(exact, at(0)), ACCESS);
});

test('the reissue path accepts a token issued under a longer ACCESS_TOKEN_TTL (the refresh token authorizes there)', async () => {
  const issuedUnderOneHour = await forge({ ...ACCESS_PAYLOAD, exp: NOW + 3600 }, { alg: 'HS256', typ: 'at+jwt' });
  await refusesAccess(issuedUnderOneHour, 'invalid_token', at(0));
  assert.equal((await tokens.verifyAccessToken(issuedUnderOneHour, { ...at(60), allowExpiredSeconds: 86_400 })).exp, NOW + 3600);
});

test('rejects a token whose iat lies in the future beyond the clock tolerance, on every path', async () => {
  const ahead = (seconds: number) => forge({ ...ACCESS_PAYLOAD, iat: NOW + seconds, exp: NOW + seconds + TTL }, { alg: 'HS256', typ: 'at+jwt' });
  assert.equal((await tokens.verifyAccessToken(await ahead(5), at(0))).iat, NOW + 5, 'within the tolerance');
  await refusesAccess(await ahead(6), 'invalid_token');
  await refusesAccess(await ahead(6), 'invalid_token', { ...at(0), allowExpiredSeconds: 86_400 });
  const refresh = await tokens.signRefreshToken({ ...REFRESH, iat: NOW + 60 });
  await refusesRefresh(refresh, 'invalid_refresh_token');
});

test('rejects a token with an empty crit list', async () => {
  await refusesAccess(forgeRaw({ alg: 'HS256', typ: 'at+jwt', crit: [] }, ACCESS_PAYLOAD), 'invalid_token');
});

// Issuer and audience

test('rejects an access token from another issuer', async () => {
  const other = createTokens(keys, { ...SETTINGS, issuer: 'someone-else' });
  await refusesAccess(await other.signAccessToken(ACCESS), 'invalid_token');
});

test('rejects an access token without iss', async () => {
  const { iss: _omit, ...payload } = ACCESS_PAYLOAD;
  await refusesAccess(await forge(payload, { alg: 'HS256', typ: 'at+jwt' }), 'invalid_token');
});

test('with an audience configured, an access token carries it and verifies', async () => {
  const withAudience = createTokens(keys, { ...SETTINGS, audience: 'https://api.example' });
  const token = await withAudience.signAccessToken(ACCESS);
  assert.equal(decodeJwt(token).aud, 'https://api.example');
  assert.deepEqual(await withAudience.verifyAccessToken(token, at(0)), ACCESS);
});

test('with an audience configured, an access token without aud or with another aud is refused', async () => {
  const withAudience = createTokens(keys, { ...SETTINGS, audience: 'https://api.example' });
  await assert.rejects(withAudience.verifyAccessToken(await tokens.signAccessToken(ACCESS), at(0)), { code: 'invalid_token' });
  const otherAudience = createTokens(keys, { ...SETTINGS, audience: 'https://other.example' });
  await assert.rejects(withAudience.verifyAccessToken(await otherAudience.signAccessToken(ACCESS), at(0)), { code: 'invalid_token' });
});

// Required claims

for (const claim of ['sub', 'sid', 'name', 'role', 'jti', 'iat', 'exp'] as const) {
  test(`rejects a correctly signed access token without ${claim}`, async () => {
    const { [claim]: _omit, ...payload } = ACCESS_PAYLOAD;
    await refusesAccess(await forge(payload, { alg: 'HS256', typ: 'at+jwt' }), 'invalid_token');
  });
}

for (const claim of ['sub', 'sid', 'jti', 'iat', 'exp'] as const) {
  test(`rejects a correctly signed refresh token without ${claim}`, async () => {
    const { [claim]: _omit, ...payload } = REFRESH;
    await refusesRefresh(await forge(payload, { alg: 'HS256', typ: 'rt+jwt' }, keys.refresh), 'invalid_refresh_token');
  });
}

test('rejects an access token whose sid is not a non-empty string', async () => {
  await refusesAccess(await forge({ ...ACCESS_PAYLOAD, sid: 42 }, { alg: 'HS256', typ: 'at+jwt' }), 'invalid_token');
  await refusesAccess(await forge({ ...ACCESS_PAYLOAD, sid: '' }, { alg: 'HS256', typ: 'at+jwt' }), 'invalid_token');
});
