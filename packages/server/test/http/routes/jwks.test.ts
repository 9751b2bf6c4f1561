// GET /.well-known/jwks.json: public members only, cacheable for 5 minutes, empty under HS256;
// after `gatehouse keys rotate` the running server publishes the new key at once but signs with it
// only after the activation delay (past the JWKS max-age and the verifiers' refetch cooldown), keeps
// the old one published and verifying until its last token has expired (the refresh path longer),
// then drops it from the JWKS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyInstance } from 'fastify';
import { rotateKeySetFile } from '../../../src/config/signing-keys.js';
import { KEY_ACTIVATION_DELAY_MS } from '../../../src/core/tokens/key-set.js';
import { bearer, createTestApp, failure, registerUser, type Pair, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

const getJwks = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
const kids = async (app: FastifyInstance) => ((await getJwks(app)).json() as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

const PUBLIC_MEMBERS = { EdDSA: ['alg', 'crv', 'kid', 'kty', 'use', 'x'], ES256: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'], RS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'] };

test('under HS256 the JWKS answers 200 with no keys (the shared secret is never published)', async (t) => {
  const ctx = await appFor(t);
  const res = await getJwks(ctx.app);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { keys: [] });
  assert.equal(res.headers['cache-control'], 'public, max-age=300');
});

for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
  test(`under ${alg} the JWKS holds exactly the public members of the signing key, never d or other private parts`, async (t) => {
    const ctx = await appFor(t, { JWT_ALG: alg });
    const { tokens } = await registerUser(ctx.app);
    const res = await getJwks(ctx.app);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    const { keys } = res.json() as { keys: Array<Record<string, string>> };
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]!).sort(), PUBLIC_MEMBERS[alg]);
    assert.equal(keys[0]!.alg, alg);
    assert.equal(keys[0]!.use, 'sig');
    assert.equal(keys[0]!.kid, decodeProtectedHeader(tokens.access_token).kid);
    assert.doesNotMatch(res.body, /"(d|p|q|dp|dq|qi|k)"/);
  });
}

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });

test('after keys rotate the running server publishes the new kid at once, signs with it only after the activation delay, and drops the old kid once its last token expired', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens: first, username, password } = await registerUser(ctx.app);
  const login = async () => ((await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })).json() as Pair);
  const oldKid = decodeProtectedHeader(first.access_token).kid!;

  const rotated = await rotateKeySetFile(ctx.config, ctx.clock.now());
  assert.equal(rotated.retiredKid, oldKid);
  assert.equal(rotated.activatesAt, ctx.clock.now() + KEY_ACTIVATION_DELAY_MS);
  ctx.clock.advance(10_000); // the server re-reads the key set at most every 10 s
  assert.deepEqual(await kids(ctx.app), [oldKid, rotated.kid], 'published first');
  assert.equal(decodeProtectedHeader((await login()).access_token).kid, oldKid, 'not signing yet: verifiers may hold the old JWKS');

  ctx.clock.set(rotated.activatesAt - 1);
  const lastOld = await login();
  assert.equal(decodeProtectedHeader(lastOld.access_token).kid, oldKid);
  ctx.clock.set(rotated.activatesAt);
  assert.equal(decodeProtectedHeader((await login()).access_token).kid, rotated.kid);
  assert.equal((await me(ctx.app, lastOld.access_token)).statusCode, 200);

  const lastExpiry = decodeJwt(lastOld.access_token).exp! * 1000;
  ctx.clock.set(lastExpiry + 4_000); // its last token, inside the leeway: the old kid still published
  assert.deepEqual(await kids(ctx.app), [oldKid, rotated.kid]);
  assert.equal((await me(ctx.app, lastOld.access_token)).statusCode, 200);
  ctx.clock.set(rotated.activatesAt + (900 + 5) * 1000);
  assert.deepEqual(await kids(ctx.app), [rotated.kid]);
  assert.deepEqual(failure(await me(ctx.app, lastOld.access_token)), { status: 401, code: 'invalid_token' });

  // The refresh path still accepts the expired access token of the retired key (within the refresh lifetime).
  const refreshed = await ctx.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: lastOld.access_token, refresh_token: lastOld.refresh_token },
  });
  assert.equal(refreshed.statusCode, 200);
  assert.equal(decodeProtectedHeader((refreshed.json() as Pair).access_token).kid, rotated.kid);
});
