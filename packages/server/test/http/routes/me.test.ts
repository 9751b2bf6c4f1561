// GET /users/me (docs/api.md; docs/architecture.md, "Tokens and keys") and the bearer guard of RFC
// 6750: missing, malformed, expired, forged, `none`, foreign-key, key-steering and `crit` tokens
// are refused; so are refresh tokens, disabled users and logged-out sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTHeaderParameters } from 'jose';
import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../../../src/core/tokens/keys.js';
import { TEST_SECRET, createTestApp, failure, registerUser, type TestApp } from '../../helpers.js';
import { sqlBackends, unavailable } from '../../storage/backends.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ACCESS_KEY = deriveKey(TEST_SECRET, 'access');

async function appFor(t: { after(fn: () => Promise<void>): void }): Promise<TestApp> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  return ctx;
}

function getMe(app: FastifyInstance, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: '/users/me', headers });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed by hand with HMAC-SHA256, for headers jose refuses to produce (e.g. unknown crit). */
function signRaw(header: Record<string, unknown>, payload: Record<string, unknown>, key: Uint8Array): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/** Re-signs the claims of a real access token with the real access key and the given header. */
function resign(accessToken: string, header: Partial<JWTHeaderParameters>): Promise<string> {
  return new SignJWT(decodeJwt(accessToken)).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header } as JWTHeaderParameters).sign(ACCESS_KEY);
}

function assertInvalidTokenChallenge(res: Awaited<ReturnType<typeof getMe>>): void {
  const challenge = String(res.headers['www-authenticate']);
  assert.match(challenge, /^Bearer realm="gatehouse"/);
  assert.match(challenge, /error="invalid_token"/);
}

test('answers 200 with exactly the public user of the token, never the hash', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app, { username: 'MeUser', email: 'meuser@example.com' });
  const res = await getMe(ctx.app, { authorization: `Bearer ${user.tokens.access_token}` });
  assert.equal(res.statusCode, 200);
  assert.match(res.json().id, UUID_V7);
  assert.deepEqual(res.json(), {
    id: user.userId,
    username: 'MeUser',
    email: 'meuser@example.com',
    email_verified: false,
    full_name: null,
    role: 'user',
    disabled: false,
    created_at: new Date(ctx.clock.now()).toISOString(),
  });
  assert.ok(!res.body.includes('argon2'));
});

test('accepts the scheme name in any case (RFC 6750 §2.1, RFC 9110 §11.1)', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await getMe(ctx.app, { authorization: `bearer ${user.tokens.access_token}` });
  assert.equal(res.statusCode, 200);
});

test('a token already verified is read from the header the same way: only "Bearer <token>" as such takes the unparsed path', async (t) => {
  const ctx = await appFor(t);
  const { tokens, userId } = await registerUser(ctx.app);
  const token = tokens.access_token;
  for (let i = 0; i < 2; i++) { // first verified, then answered from the verified-token cache
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`, `Bearer   ${token}  `]) {
      const res = await getMe(ctx.app, { authorization });
      assert.equal(res.statusCode, 200, authorization);
      assert.equal(res.json().id, userId);
    }
    for (const authorization of [`Bearer ${token}x`, `Bearer ${token} extra`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
      assert.deepEqual(failure(await getMe(ctx.app, { authorization })), { status: 401, code: 'invalid_token' }, authorization);
    }
  }
});

test('without an Authorization header answers 401 missing_token and a challenge without error (RFC 6750 §3.1)', async (t) => {
  const ctx = await appFor(t);
  const res = await getMe(ctx.app);
  assert.deepEqual(failure(res), { status: 401, code: 'missing_token' });
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"');
  assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode']);
});

test('rejects an Authorization header that is not "Bearer <token>" with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  for (const authorization of ['Basic xyz', 'Bearer', 'Bearer ', 'Bearer a b', 'Token abc.def.ghi']) {
    const res = await getMe(ctx.app, { authorization });
    assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' }, authorization);
    assertInvalidTokenChallenge(res);
  }
});

test('rejects a garbage bearer token with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const res = await getMe(ctx.app, { authorization: 'Bearer not.a.jwt' });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
  assertInvalidTokenChallenge(res);
});

test('rejects an expired access token with 401 token_expired and error="invalid_token"', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000);
  const res = await getMe(ctx.app, { authorization: `Bearer ${user.tokens.access_token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'token_expired' });
  assertInvalidTokenChallenge(res);
});

test('accepts an access token just before its 15 minutes are up', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  ctx.clock.advance(14 * 60 * 1000);
  const res = await getMe(ctx.app, { authorization: `Bearer ${user.tokens.access_token}` });
  assert.equal(res.statusCode, 200);
});

test('rejects a token whose signature was altered with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const [header, payload, signature] = user.tokens.access_token.split('.') as [string, string, string];
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  const res = await getMe(ctx.app, { authorization: `Bearer ${header}.${payload}.${flipped}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
  assertInvalidTokenChallenge(res);
});

test('rejects a token whose claims were altered under the original signature with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const [header, , signature] = user.tokens.access_token.split('.') as [string, string, string];
  const claims = { ...decodeJwt(user.tokens.access_token), role: 'admin' };
  const res = await getMe(ctx.app, { authorization: `Bearer ${header}.${b64url(claims)}.${signature}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects an unsigned token with alg "none" with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(decodeJwt(user.tokens.access_token))}.`;
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects an HS256 token signed with another secret with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = await new SignJWT(decodeJwt(user.tokens.access_token))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(randomBytes(32));
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects a token signed with the raw master secret instead of the derived access key', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = await new SignJWT(decodeJwt(user.tokens.access_token))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(Buffer.from(TEST_SECRET, 'utf8'));
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('accepts a token re-signed with the derived access key (control for the header tests below)', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = await resign(user.tokens.access_token, {});
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'at+jwt' });
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().id, user.userId);
});

test('rejects a validly signed token carrying a key-steering header (kid, jku, jwk) with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const headers: Array<Record<string, unknown>> = [
    { kid: 'access' },
    { jku: 'https://attacker.example/jwks.json' },
    { jwk: { kty: 'oct', k: ACCESS_KEY.toString('base64url') } },
  ];
  for (const header of headers) {
    const token = signRaw({ alg: 'HS256', typ: 'at+jwt', ...header }, decodeJwt(user.tokens.access_token), ACCESS_KEY);
    const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
    assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' }, Object.keys(header)[0]);
    assertInvalidTokenChallenge(res);
  }
});

test('rejects a kid header signed through jose SignJWT with the real access key', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = await resign(user.tokens.access_token, { kid: 'k1' });
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects a validly signed token with an unknown crit header (RFC 7515 §4.1.11) with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = signRaw({ alg: 'HS256', typ: 'at+jwt', crit: ['foo'], foo: 1 }, decodeJwt(user.tokens.access_token), ACCESS_KEY);
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects a validly signed token whose typ is not at+jwt with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const token = signRaw({ alg: 'HS256', typ: 'rt+jwt' }, decodeJwt(user.tokens.access_token), ACCESS_KEY);
  const res = await getMe(ctx.app, { authorization: `Bearer ${token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
});

test('rejects a refresh token presented as an access token with 401 invalid_token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await getMe(ctx.app, { authorization: `Bearer ${user.tokens.refresh_token}` });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
  assertInvalidTokenChallenge(res);
});

test('refuses the token of a disabled user with 403 user_disabled', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  const res = await getMe(ctx.app, { authorization: `Bearer ${user.tokens.access_token}` });
  assert.deepEqual(failure(res), { status: 403, code: 'user_disabled' });
});

test('refuses the access token of a logged-out session with 401 session_revoked', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const headers = { authorization: `Bearer ${user.tokens.access_token}` };
  const logout = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers });
  assert.equal(logout.statusCode, 204);
  const res = await getMe(ctx.app, headers);
  assert.deepEqual(failure(res), { status: 401, code: 'session_revoked' });
  assertInvalidTokenChallenge(res);
});

test('a token answered from memory (no promise on the SQLite hot path) is refused at once after a logout, a disable or a delete', async (t) => {
  const ctx = await appFor(t);
  const [a, b, c] = [await registerUser(ctx.app), await registerUser(ctx.app), await registerUser(ctx.app)];
  const bearer = (user: typeof a) => ({ authorization: `Bearer ${user.tokens.access_token}` });
  for (const user of [a, b, c]) {
    assert.equal(ctx.auth.authenticateNow(user.tokens.access_token), undefined, 'nothing in memory before the first request');
    for (let i = 0; i < 2; i++) assert.equal((await getMe(ctx.app, bearer(user))).statusCode, 200);
    assert.equal(ctx.auth.authenticateNow(user.tokens.access_token)?.user.id, user.userId, 'the next request takes the hot path');
  }
  // twice each: the write empties the cache, the first refusal reads the rows back into it, the
  // second is refused from memory
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(a) })).statusCode, 204);
  for (let i = 0; i < 2; i++) assert.deepEqual(failure(await getMe(ctx.app, bearer(a))), { status: 401, code: 'session_revoked' });
  await ctx.stores.users.update(b.userId, { disabled: true }, new Date(ctx.clock.now()));
  for (let i = 0; i < 2; i++) assert.deepEqual(failure(await getMe(ctx.app, bearer(b))), { status: 403, code: 'user_disabled' });
  await ctx.stores.users.delete(c.userId);
  for (let i = 0; i < 2; i++) assert.deepEqual(failure(await getMe(ctx.app, bearer(c))), { status: 401, code: 'session_revoked' });
});

test('logging out one session leaves the user\'s other sessions working', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const second = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  assert.equal(second.statusCode, 200);
  const logout = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${user.tokens.access_token}` } });
  assert.equal(logout.statusCode, 204);
  const res = await getMe(ctx.app, { authorization: `Bearer ${second.json().access_token}` });
  assert.equal(res.statusCode, 200);
});

for (const { backend, variable } of sqlBackends.filter((b) => b.variable)) {
  test(`on ${backend.name}: the guard reads the session and the user in one statement, and refuses a logout, a disable, a delete`,
    { skip: unavailable(variable!) }, async (t) => {
      const { url, drop } = await backend.create();
      let reads = 0;
      const ctx = await createTestApp({ DATABASE_URL: url }, {
        stores: (stores) => ({ ...stores, sessionAndUser: (userId, sessionId) => { reads += 1; return stores.sessionAndUser!(userId, sessionId); } }),
      });
      t.after(async () => { await ctx.close(); await drop(); });
      const [a, b, c] = [await registerUser(ctx.app), await registerUser(ctx.app), await registerUser(ctx.app)];
      const bearer = (user: typeof a) => ({ authorization: `Bearer ${user.tokens.access_token}` });
      const me = await getMe(ctx.app, bearer(a));
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().id, a.userId);
      assert.equal(reads, 1);
      assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(a) })).statusCode, 204);
      assert.deepEqual(failure(await getMe(ctx.app, bearer(a))), { status: 401, code: 'session_revoked' });
      await ctx.stores.users.update(b.userId, { disabled: true }, new Date(ctx.clock.now()));
      assert.deepEqual(failure(await getMe(ctx.app, bearer(b))), { status: 403, code: 'user_disabled' });
      await ctx.stores.users.delete(c.userId);
      assert.deepEqual(failure(await getMe(ctx.app, bearer(c))), { status: 401, code: 'session_revoked' });
      assert.equal(reads, 4, 'one per /users/me');
    });
}
