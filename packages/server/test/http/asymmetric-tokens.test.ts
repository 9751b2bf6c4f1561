// The server under JWT_ALG=EdDSA, ES256 and RS256: access tokens carry a kid and verify by it, the
// whole login → /users/me → refresh → grace replay → reuse flow holds (ES256 signatures are
// randomised, so a replayed access token differs while its refresh token is identical), and the
// algorithm stays pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { keySetPath, loadAccessKeyRing } from '../../src/config/signing-keys.js';
import { TEST_SECRET, bearer, createTestApp, failure, registerUser, type Pair, type TestApp } from '../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string>): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
const refresh = (app: FastifyInstance, pair: Pair) => app.inject({
  method: 'POST', url: '/auth/refresh', payload: { access_token: pair.access_token, refresh_token: pair.refresh_token },
});

for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
  test(`under JWT_ALG=${alg}: login, /users/me, refresh, grace replay and reuse detection all hold`, async (t) => {
    const ctx = await appFor(t, { JWT_ALG: alg });
    const { tokens: p0, userId } = await registerUser(ctx.app);
    const header = decodeProtectedHeader(p0.access_token);
    assert.equal(header.alg, alg);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(typeof header.kid, 'string');
    assert.deepEqual(decodeProtectedHeader(p0.refresh_token), { alg: 'HS256', typ: 'rt+jwt' }); // refresh stays HMAC
    assert.equal((await me(ctx.app, p0.access_token)).json().id, userId);

    const first = await refresh(ctx.app, p0);
    assert.equal(first.statusCode, 200);
    const p1 = first.json() as Pair;
    assert.equal((await me(ctx.app, p1.access_token)).statusCode, 200);

    ctx.clock.advance(5_000);
    const replay = await refresh(ctx.app, p0);
    assert.equal(replay.statusCode, 200);
    const again = replay.json() as Pair;
    assert.equal(again.refresh_token, p1.refresh_token, 'the refresh token (HMAC) is replayed byte for byte');
    assert.deepEqual(decodeJwt(again.access_token), decodeJwt(p1.access_token), 'the access token has the same claims');
    if (alg !== 'ES256') assert.equal(again.access_token, p1.access_token, `${alg} signatures are deterministic`);
    assert.equal((await me(ctx.app, again.access_token)).statusCode, 200);

    ctx.clock.advance(6_000);
    assert.deepEqual(failure(await refresh(ctx.app, p0)), { status: 401, code: 'refresh_token_reused' });
    assert.deepEqual(failure(await me(ctx.app, p1.access_token)), { status: 401, code: 'session_revoked' });
  });
}

test('the development key set is generated into DATA_DIR with mode 0600', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  assert.equal(statSync(keySetPath(ctx.config)).mode & 0o777, 0o600);
});

test('under an asymmetric algorithm, HS256 tokens signed with the derived access key are refused with 401 invalid_token', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(deriveKey(TEST_SECRET, 'access'));
  assert.deepEqual(failure(await me(ctx.app, hs)), { status: 401, code: 'invalid_token' });
});

test('under an asymmetric algorithm, a token without kid, with an unknown kid, or with a jwk header is refused with 401 invalid_token', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  const { kid } = decodeProtectedHeader(tokens.access_token);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const sign = (header: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', ...header }).sign(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  for (const header of [{}, { kid: 'unknown' }, { kid }, { kid, jwk }]) {
    assert.deepEqual(failure(await me(ctx.app, await sign(header))), { status: 401, code: 'invalid_token' }, JSON.stringify(header));
  }
});

test('JWT_PRIVATE_KEY_FILE: the first PEM key signs, a later one verifies and is published too', async (t) => {
  const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const older = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const file = join(tempDir(t), 'jwt.pem');
  writeFileSync(file, [signer, older].map((key) => key.export({ format: 'pem', type: 'pkcs8' })).join('\n'));
  const ctx = await appFor(t, { JWT_ALG: 'ES256', JWT_PRIVATE_KEY_FILE: file });
  const { tokens } = await registerUser(ctx.app);
  const jwks = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<{ kid: string }> };
  assert.equal(jwks.keys.length, 2);
  assert.equal(jwks.keys.at(-1)!.kid, decodeProtectedHeader(tokens.access_token).kid);
  const olderToken = await new SignJWT(decodeJwt(tokens.access_token))
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0]!.kid }).sign(older);
  assert.equal((await me(ctx.app, olderToken)).statusCode, 200);
});

test('JWT_PRIVATE_KEY_FILE holding a key of the wrong type stops the start with a message naming the variable', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'jwt.pem');
  writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const config = loadConfig({ DATA_DIR: dir, JWT_ALG: 'ES256', JWT_PRIVATE_KEY_FILE: file });
  await assert.rejects(loadAccessKeyRing(config, new ManualClock()), { name: 'ConfigError', message: /^JWT_PRIVATE_KEY_FILE: .*cannot sign ES256/ });
});

test('in production, an asymmetric algorithm without JWT_PRIVATE_KEY_FILE or a key set stops the start', async (t) => {
  const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(t), JWT_ALG: 'EdDSA' });
  await assert.rejects(loadAccessKeyRing(config, new ManualClock()), {
    name: 'ConfigError', message: /^JWT_PRIVATE_KEY_FILE: is required when NODE_ENV=production and JWT_ALG=EdDSA/,
  });
});

test('a key set whose signer uses another algorithm than JWT_ALG stops the start with a hint to rotate', async (t) => {
  const dir = tempDir(t);
  await loadAccessKeyRing(loadConfig({ DATA_DIR: dir, JWT_ALG: 'EdDSA' }), new ManualClock());
  await assert.rejects(loadAccessKeyRing(loadConfig({ DATA_DIR: dir, JWT_ALG: 'ES256' }), new ManualClock()), {
    name: 'ConfigError', message: /^JWT_ALG: .*signs with EdDSA; run `gatehouse keys rotate`/,
  });
});
