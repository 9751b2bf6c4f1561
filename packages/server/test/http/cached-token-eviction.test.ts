// Cached access tokens do not outlive their key (security issue, finding 7): once a kid leaves the
// key set, tokens it verified stop passing, cached or not, genuine or minted with the stolen key;
// and a key's tokens get one access lifetime at most, never a far-future `iat` or a longer `exp`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { FastifyInstance } from 'fastify';
import { keySetPath } from '../../src/config/signing-keys.js';
import { generateStoredKey, parseKeySet } from '../../src/core/tokens/key-set.js';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { TEST_SECRET, bearer, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
const jwks = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/.well-known/jwks.json' });

/** The signing key of the app's key set file, as someone who stole it would hold it. */
function stolenKey(ctx: TestApp): { kid: string; key: KeyObject } {
  const [stored] = parseKeySet(readFileSync(keySetPath(ctx.config), 'utf8')).keys;
  return { kid: stored!.kid, key: createPrivateKey(stored!.privateKey) };
}

const mint = (claims: JWTPayload, kid: string, key: KeyObject) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(key);

test('once its key is removed from the key set, a cached genuine token and a cached forged one are refused with 401 invalid_token', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens } = await registerUser(ctx.app);
  const { kid, key } = stolenKey(ctx);
  const forged = await mint({ ...decodeJwt(tokens.access_token), jti: 'minted-with-the-stolen-key' }, kid, key);
  for (const token of [tokens.access_token, forged, tokens.access_token, forged]) {
    assert.equal((await me(ctx.app, token)).statusCode, 200, 'verified, then answered from the cache');
  }

  // The operator replaces the key set with a new key (the old one is gone from the file).
  writeFileSync(keySetPath(ctx.config), JSON.stringify({ version: 1, keys: [await generateStoredKey('EdDSA', ctx.clock.now())] }));
  ctx.clock.advance(10_000);
  assert.equal((await jwks(ctx.app)).json().keys.length, 1); // the server has re-read the key set
  assert.deepEqual(failure(await me(ctx.app, tokens.access_token)), { status: 401, code: 'invalid_token' });
  assert.deepEqual(failure(await me(ctx.app, forged)), { status: 401, code: 'invalid_token' });
});

test('a cached token whose key is still in the set keeps passing across a reload (a rotation adds a key)', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens } = await registerUser(ctx.app);
  assert.equal((await me(ctx.app, tokens.access_token)).statusCode, 200);
  const doc = parseKeySet(readFileSync(keySetPath(ctx.config), 'utf8'));
  doc.keys.push(await generateStoredKey('EdDSA', ctx.clock.now(), ctx.clock.now() + 3_600_000));
  writeFileSync(keySetPath(ctx.config), JSON.stringify(doc));
  ctx.clock.advance(10_000);
  assert.equal((await jwks(ctx.app)).json().keys.length, 2);
  assert.equal((await me(ctx.app, tokens.access_token)).statusCode, 200);
});

test('a token whose exp − iat exceeds ACCESS_TOKEN_TTL is refused with 401 invalid_token, though signed by a key of the set', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA', ACCESS_TOKEN_TTL: '10m' });
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  assert.equal(claims.exp! - claims.iat!, 600);
  const { kid, key } = stolenKey(ctx);
  const yearLong = await mint({ ...claims, jti: 'a-year', exp: claims.iat! + 365 * 86_400 }, kid, key);
  assert.deepEqual(failure(await me(ctx.app, yearLong)), { status: 401, code: 'invalid_token' });
  const justOver = await mint({ ...claims, jti: 'just-over', exp: claims.iat! + 601 }, kid, key);
  assert.deepEqual(failure(await me(ctx.app, justOver)), { status: 401, code: 'invalid_token' });
  assert.equal((await me(ctx.app, await mint({ ...claims, jti: 'exact' }, kid, key))).statusCode, 200);
});

test('under HS256 too: a token claiming more than ACCESS_TOKEN_TTL, or issued in the future, is refused with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  assert.deepEqual(decodeProtectedHeader(tokens.access_token), { alg: 'HS256', typ: 'at+jwt' });
  const claims = decodeJwt(tokens.access_token);
  const sign = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(deriveKey(TEST_SECRET, 'access'));
  assert.deepEqual(failure(await me(ctx.app, await sign({ ...claims, exp: claims.iat! + 86_400 }))), { status: 401, code: 'invalid_token' });
  const later = claims.iat! + 3600;
  assert.deepEqual(failure(await me(ctx.app, await sign({ ...claims, iat: later, exp: later + 900 }))), { status: 401, code: 'invalid_token' });
});

test('a token whose iat lies in the future beyond the clock tolerance is refused with 401 invalid_token', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  const { kid, key } = stolenKey(ctx);
  const ahead = (seconds: number) => mint({ ...claims, jti: `ahead-${seconds}`, iat: claims.iat! + seconds, exp: claims.iat! + seconds + 900 }, kid, key);
  assert.equal((await me(ctx.app, await ahead(5))).statusCode, 200, 'within the 5 s tolerance');
  assert.deepEqual(failure(await me(ctx.app, await ahead(6))), { status: 401, code: 'invalid_token' });
  assert.deepEqual(failure(await me(ctx.app, await ahead(86_400))), { status: 401, code: 'invalid_token' });
});
