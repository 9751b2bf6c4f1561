// The server under JWT_ALG=EdDSA, ES256 and RS256: access tokens carry a kid and verify by it, the
// whole login → /users/me → refresh → grace replay → reuse flow holds (ES256 signatures are
// randomised, so a replayed access token differs while its refresh token is identical), and the
// algorithm stays pinned. With JWT_PRIVATE_KEY_FILE, a key put first in the file signs only once it
// has been published for the activation delay, counted from when the server first saw it (recorded
// in DATA_DIR), never from the file's mtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { keySetPath, loadAccessKeyRing } from '../../src/config/signing-keys.js';
import { keySightingsPath } from '../../src/config/key-sightings.js';
import { KEY_ACTIVATION_DELAY_MS } from '../../src/core/tokens/key-set.js';
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

test('JWT_PRIVATE_KEY_FILE at the first start: the first PEM key signs, a later one verifies and is published too', async (t) => {
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

const pemOf = (...keys: KeyObject[]) => keys.map((key) => key.export({ format: 'pem', type: 'pkcs8' })).join('\n');
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

test('JWT_PRIVATE_KEY_FILE: a key put first is published at once and signs after the activation delay from when it was first seen; the file\'s mtime and a restart change nothing', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'jwt.pem');
  const env = { JWT_ALG: 'EdDSA', JWT_PRIVATE_KEY_FILE: file, DATA_DIR: join(dir, 'data') };
  const [a, b] = [generateKeyPairSync('ed25519').privateKey, generateKeyPairSync('ed25519').privateKey];
  writeFileSync(file, pemOf(a));
  const first = await createTestApp(env);
  const start = first.clock.now();
  const { tokens: fromA, username, password } = await registerUser(first.app);
  const login = async (ctx: TestApp) => (await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })).json() as Pair;
  const kidA = kidOf(fromA.access_token);

  writeFileSync(file, pemOf(b, a));
  utimesSync(file, 0, 0); // an old mtime, as a copy that keeps times would leave
  first.clock.advance(10_000);
  const seenB = first.clock.now();
  const jwks = (await first.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<{ kid: string }> };
  assert.equal(jwks.keys.length, 2, 'b is published at once');
  const kidB = jwks.keys.map((key) => key.kid).find((kid) => kid !== kidA);
  assert.equal(kidOf((await login(first)).access_token), kidA, 'a still signs');
  assert.equal((await me(first.app, fromA.access_token)).statusCode, 200, 'a is not retired by the mtime');
  assert.equal(statSync(keySightingsPath(first.config)).mode & 0o777, 0o600);
  await first.close();

  // A restart, with the file touched again: b still signs from seenB + the delay, not from now.
  utimesSync(file, new Date(start + 200_000), new Date(start + 200_000));
  const second = await createTestApp(env);
  t.after(() => second.close());
  second.clock.set(seenB + KEY_ACTIVATION_DELAY_MS - 1_000);
  assert.equal(kidOf((await login(second)).access_token), kidA);
  second.clock.set(seenB + KEY_ACTIVATION_DELAY_MS);
  assert.equal(kidOf((await login(second)).access_token), kidB);
  assert.equal((await me(second.app, fromA.access_token)).statusCode, 200, 'a stays verifying until its last token expired');
  assert.deepEqual(JSON.parse(readFileSync(keySightingsPath(second.config), 'utf8')).firstSeen[kidB!], seenB);
});

test('JWT_PRIVATE_KEY_FILE: a file left with a single new key (the old one removed) signs with it at once', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'jwt.pem');
  writeFileSync(file, pemOf(generateKeyPairSync('ed25519').privateKey));
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA', JWT_PRIVATE_KEY_FILE: file, DATA_DIR: join(dir, 'data') });
  const { tokens } = await registerUser(ctx.app);
  writeFileSync(file, pemOf(generateKeyPairSync('ed25519').privateKey));
  ctx.clock.advance(10_000);
  const { tokens: after } = await registerUser(ctx.app);
  assert.notEqual(kidOf(after.access_token), kidOf(tokens.access_token));
  assert.deepEqual(failure(await me(ctx.app, tokens.access_token)), { status: 401, code: 'invalid_token' });
});

test('JWT_PRIVATE_KEY_FILE with a DATA_DIR where the key sightings cannot be written stops the start, naming the variable', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'jwt.pem');
  writeFileSync(file, pemOf(generateKeyPairSync('ed25519').privateKey));
  const notAFolder = join(dir, 'data');
  writeFileSync(notAFolder, '');
  const config = loadConfig({ DATA_DIR: notAFolder, JWT_ALG: 'EdDSA', JWT_PRIVATE_KEY_FILE: file });
  await assert.rejects(loadAccessKeyRing(config, new ManualClock()), {
    name: 'ConfigError', message: /^JWT_PRIVATE_KEY_FILE: cannot record when its keys were first seen in .*DATA_DIR must be a writable folder/,
  });
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
