// verifyAccessToken with a remote JWKS against a real Gatehouse listening on loopback (JWT_ALG=EdDSA):
// a rotation (new kid) is picked up without restart, an unknown kid triggers exactly one refetch
// (and none inside the cooldown), a token signed by a key the JWKS does not hold is refused, and
// cached tokens of a kid that left the JWKS are refused from the refetch that shows it gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { keySetPath, rotateKeySetFile } from '../../src/config/signing-keys.js';
import { generateStoredKey, parseKeySet } from '../../src/core/tokens/key-set.js';
import {
  VerifyError, cachedUser, remoteJwksKeySource, verifyAccessToken, type RemoteJwksOptions, type VerifyAccessTokenOptions,
} from '@gatehouse-auth/verify';
import { registerUser } from '../helpers.js';
import { listenGatehouse, type ListeningGatehouse } from './servers.js';

async function serverFor(t: { after(fn: () => Promise<void>): void }, alg = 'EdDSA'): Promise<ListeningGatehouse> {
  const server = await listenGatehouse({ JWT_ALG: alg });
  t.after(() => server.close());
  return server;
}

function verifierFor(server: ListeningGatehouse, jwks: RemoteJwksOptions = {}) {
  const keys = remoteJwksKeySource(server.jwksUrl, jwks);
  return (token: string) => verifyAccessToken(token, { keys, now: () => server.clock.now() });
}

async function refuses(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof VerifyError, `expected a VerifyError, got ${String(error)}`);
    assert.deepEqual({ code: error.code, statusCode: error.statusCode }, { code, statusCode: 401 });
    return true;
  });
}

/** A token with the claims of `like`, signed by a fresh key that no JWKS holds. */
async function foreignToken(like: string, kid: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return new SignJWT(decodeJwt(like)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey);
}

for (const alg of ['EdDSA', 'ES256', 'RS256']) {
  test(`a ${alg} token of the real server verifies through its JWKS URL, fetched once and then cached`, async (t) => {
    const server = await serverFor(t, alg);
    const { tokens, userId } = await registerUser(server.app);
    const verify = verifierFor(server);
    assert.equal((await verify(tokens.access_token)).id, userId);
    assert.equal((await verify(tokens.access_token)).id, userId);
    assert.equal(server.jwksRequests(), 1);
  });
}

test('a key rotation on the server (new kid) is picked up by the verifier without a restart, old tokens still verifying', async (t) => {
  const server = await serverFor(t);
  const { tokens: before, username, password } = await registerUser(server.app);
  const verify = verifierFor(server, { cooldownMs: 0 });
  await verify(before.access_token);
  assert.equal(server.jwksRequests(), 1);

  const rotated = await rotateKeySetFile(server.config, server.clock.now());
  server.clock.set(rotated.activatesAt); // published first; signing from here
  const login = await server.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
  const after = login.json().access_token as string;
  assert.notEqual(decodeProtectedHeader(after).kid, decodeProtectedHeader(before.access_token).kid);
  assert.equal((await verify(after)).name, username);
  assert.equal(server.jwksRequests(), 2, 'the new kid caused one refetch');
  await verify(before.access_token);
  await verify(after);
  assert.equal(server.jwksRequests(), 2, 'known kids are served from the cache');
});

test('an unknown kid triggers exactly one refetch, then the token is refused with invalid_token', async (t) => {
  const server = await serverFor(t);
  const { tokens } = await registerUser(server.app);
  const verify = verifierFor(server, { cooldownMs: 0 });
  await verify(tokens.access_token);
  assert.equal(server.jwksRequests(), 1);
  await refuses(verify(await foreignToken(tokens.access_token, 'unknown-kid')), 'invalid_token');
  assert.equal(server.jwksRequests(), 2);
});

test('inside the cooldown an unknown kid causes no refetch at all (refetches are rate-limited)', async (t) => {
  const server = await serverFor(t);
  const { tokens } = await registerUser(server.app);
  const verify = verifierFor(server); // default cooldown: 30 s after the last fetch
  await verify(tokens.access_token);
  for (let i = 0; i < 5; i++) await refuses(verify(await foreignToken(tokens.access_token, `unknown-${i}`)), 'invalid_token');
  assert.equal(server.jwksRequests(), 1);
});

test('a token signed by a key not in the JWKS is refused, even when it borrows a published kid', async (t) => {
  const server = await serverFor(t);
  const { tokens } = await registerUser(server.app);
  const verify = verifierFor(server);
  const kid = decodeProtectedHeader(tokens.access_token).kid!;
  await refuses(verify(await foreignToken(tokens.access_token, kid)), 'invalid_token');
});

test('a JWKS-verified token must name its key, and may not bring its own (jwk header)', async (t) => {
  const server = await serverFor(t);
  const { tokens } = await registerUser(server.app);
  const verify = verifierFor(server);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const claims = decodeJwt(tokens.access_token);
  const noKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(privateKey);
  await refuses(verify(noKid), 'invalid_token');
  const jwk = publicKey.export({ format: 'jwk' });
  const ownKey = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'x', jwk }).sign(privateKey);
  await refuses(verify(ownKey), 'invalid_token');
});

test('an unreachable JWKS fails closed with 503 key_source_unavailable', async (t) => {
  const server = await serverFor(t);
  const { tokens } = await registerUser(server.app);
  const keys = remoteJwksKeySource(`${server.baseUrl}/no-such-jwks`);
  await assert.rejects(verifyAccessToken(tokens.access_token, { keys, now: () => server.clock.now() }),
    { name: 'VerifyError', code: 'key_source_unavailable', statusCode: 503 });
});

/** The server's key set replaced by one new key: the operator removed the old (say, stolen) one. */
async function replaceServerKeys(server: ListeningGatehouse): Promise<void> {
  writeFileSync(keySetPath(server.config), JSON.stringify({ version: 1, keys: [await generateStoredKey('EdDSA', server.clock.now())] }));
  server.clock.advance(10_000); // the server re-reads its key set at the next use
}

async function login(server: ListeningGatehouse, user: { username: string; password: string }): Promise<string> {
  const payload = { username: user.username, password: user.password };
  return (await server.app.inject({ method: 'POST', url: '/auth/login', payload })).json().access_token as string;
}

test('once a refetch shows a kid gone from the JWKS, cached tokens it verified are refused: genuine or forged, cachedUser or verifyAccessToken', async (t) => {
  const server = await serverFor(t);
  const user = await registerUser(server.app);
  const options: VerifyAccessTokenOptions = { keys: remoteJwksKeySource(server.jwksUrl, { cooldownMs: 0 }), now: () => server.clock.now() };
  const [stolen] = parseKeySet(readFileSync(keySetPath(server.config), 'utf8')).keys;
  const forged = await new SignJWT({ ...decodeJwt(user.tokens.access_token), jti: 'minted-with-the-stolen-key' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: stolen!.kid }).sign(createPrivateKey(stolen!.privateKey));
  for (const token of [user.tokens.access_token, forged]) {
    const verified = await verifyAccessToken(token, options);
    assert.equal(cachedUser(token, options), verified, 'cached');
  }

  await replaceServerKeys(server);
  const fresh = await login(server, user); // the new kid: one refetch, which shows the old kid gone
  assert.equal((await verifyAccessToken(fresh, options)).id, user.userId);
  assert.equal(server.jwksRequests(), 2);
  for (const token of [user.tokens.access_token, forged]) {
    assert.equal(cachedUser(token, options), undefined);
    await refuses(verifyAccessToken(token, options), 'invalid_token');
  }
});

test('a cache hit once the JWKS is cacheMaxAgeMs old refetches it in the background, so a removed kid is noticed without a new kid to prompt it', async (t) => {
  const server = await serverFor(t);
  const user = await registerUser(server.app);
  const options: VerifyAccessTokenOptions = { keys: remoteJwksKeySource(server.jwksUrl, { cacheMaxAgeMs: 60_000 }), now: () => server.clock.now() };
  const verified = await verifyAccessToken(user.tokens.access_token, options);
  assert.equal(cachedUser(user.tokens.access_token, options), verified);

  await replaceServerKeys(server);
  server.clock.advance(50_000);
  cachedUser(user.tokens.access_token, options); // 60 s after the first hit: starts the refetch
  // A token of the new kid arrives within jose's 30 s refetch cooldown (by the wall clock): only
  // the refetch the hit started lets it pass, and it waits for that refetch.
  assert.equal((await verifyAccessToken(await login(server, user), options)).id, user.userId);
  assert.equal(server.jwksRequests(), 2);
  assert.equal(cachedUser(user.tokens.access_token, options), undefined);
  await refuses(verifyAccessToken(user.tokens.access_token, options), 'invalid_token');
});

test('an HS256 token checked against the JWKS of a default server (no keys) is refused saying why: use accessKeySource', async (t) => {
  const server = await serverFor(t, 'HS256');
  const { tokens } = await registerUser(server.app);
  await assert.rejects(verifierFor(server)(tokens.access_token), (error: unknown) => {
    assert.ok(error instanceof VerifyError);
    assert.equal(error.code, 'invalid_token');
    assert.equal(error.message, `The JWKS at ${server.jwksUrl} has no keys: the server signs with a shared key (HS256); `
      + 'use accessKeySource with the output of `gatehouse secret --access-key`, or set JWT_ALG on the server.');
    return true;
  });
});

test('HS256 tokens explained against an empty JWKS respect the cooldown: a burst fetches the set once', async (t) => {
  const server = await serverFor(t, 'HS256');
  const { tokens } = await registerUser(server.app);
  const verify = verifierFor(server);
  for (let i = 0; i < 5; i += 1) await refuses(verify(tokens.access_token), 'invalid_token');
  assert.equal(server.jwksRequests(), 1);
});
