// GET /.well-known/jwks.json: public members only, cacheable for 5 minutes, empty under HS256;
// after `gatehouse keys rotate` the running server signs with the new key, keeps verifying the
// old one for an access-token lifetime (the refresh path longer), then drops it from the JWKS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import type { FastifyInstance } from 'fastify';
import { rotateKeySetFile } from '../../../src/config/signing-keys.js';
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

test('after keys rotate the running server signs with the new kid, old tokens keep working, and the old kid leaves the JWKS after the access lifetime', async (t) => {
  const ctx = await appFor(t, { JWT_ALG: 'EdDSA' });
  const { tokens: old, username, password } = await registerUser(ctx.app);
  const oldKid = decodeProtectedHeader(old.access_token).kid!;

  const { kid: newKid, retiredKid } = await rotateKeySetFile(ctx.config, ctx.clock.now());
  assert.equal(retiredKid, oldKid);
  ctx.clock.advance(10_000); // the server re-reads the key set at most every 10 s
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
  assert.equal(decodeProtectedHeader(login.json().access_token).kid, newKid);
  assert.deepEqual(await kids(ctx.app), [oldKid, newKid]);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(old.access_token) })).statusCode, 200);

  ctx.clock.advance((900 + 5) * 1000 - 10_000);
  assert.deepEqual(await kids(ctx.app), [newKid]);
  const stale = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(old.access_token) });
  assert.deepEqual(failure(stale), { status: 401, code: 'invalid_token' });

  // The refresh path still accepts the expired access token of the retired key (within the refresh lifetime).
  const refreshed = await ctx.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: old.access_token, refresh_token: old.refresh_token },
  });
  assert.equal(refreshed.statusCode, 200);
  assert.equal(decodeProtectedHeader((refreshed.json() as Pair).access_token).kid, newKid);
});
