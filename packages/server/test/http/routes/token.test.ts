// POST /token (RFC 6749 §3.2, §4.3, §6): form-encoded password and refresh_token grants, answers in
// §5.1 form with no-store, errors in §5.2 form; the refresh token alone refreshes unless
// TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN asks for the pairing of docs/architecture.md, "Refresh".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, type TestApp } from '../../helpers.js';

const PAIR_KEYS = ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type'];

async function appFor(t: { after(fn: () => Promise<void>): void }): Promise<TestApp> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  return ctx;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function postToken(app: FastifyInstance, payload: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url: '/token', payload,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

function assertTokenAnswer(res: Awaited<ReturnType<typeof postToken>>): void {
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), PAIR_KEYS);
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 15 * 60);
  assert.ok(Number.isInteger(body.refresh_expires_in) && body.refresh_expires_in > 0);
  assert.equal(typeof body.access_token, 'string');
  assert.equal(typeof body.refresh_token, 'string');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['pragma'], 'no-cache');
}

/** An RFC 6749 §5.2 error: exactly {error, error_description}, with the given status and error. */
function assertOAuthError(res: Awaited<ReturnType<typeof postToken>>, status: number, error: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
}

test('the password grant by username answers exactly the RFC 6749 §5.1 token pair, no-store', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, `grant_type=password&username=${encodeURIComponent(user.username)}&password=${encodeURIComponent(user.password)}`);
  assertTokenAnswer(res);
  assert.equal(res.json().refresh_expires_in, 7 * 24 * 3600);
});

test('the password grant accepts an email, in any case, in the username field', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app, { username: 'tokenuser', email: 'tokenuser@example.com' });
  const res = await postToken(ctx.app, form({ grant_type: 'password', username: 'TokenUser@Example.com', password: user.password }));
  assertTokenAnswer(res);
});

test('the access token from /token reads the user on GET /users/me', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'password', username: user.username, password: user.password }));
  assertTokenAnswer(res);
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${res.json().access_token}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().id, user.userId);
  assert.equal(me.json().username, user.username);
});

test('a wrong password answers 400 invalid_grant (RFC 6749 §5.2)', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'password', username: user.username, password: 'not the right password' }));
  assertOAuthError(res, 400, 'invalid_grant');
});

test('an unknown user answers exactly as a wrong password does', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const wrong = await postToken(ctx.app, form({ grant_type: 'password', username: user.username, password: 'not the right password' }));
  const unknown = await postToken(ctx.app, form({ grant_type: 'password', username: 'nobody_here', password: 'not the right password' }));
  assertOAuthError(unknown, 400, 'invalid_grant');
  assert.equal(unknown.body, wrong.body);
});

test('a disabled user gets 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  const res = await postToken(ctx.app, form({ grant_type: 'password', username: user.username, password: user.password }));
  assertOAuthError(res, 400, 'invalid_grant');
});

test('a missing grant_type answers 400 invalid_request', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ username: user.username, password: user.password }));
  assertOAuthError(res, 400, 'invalid_request');
});

test('an unknown grant_type answers 400 unsupported_grant_type, also one named like an Object property', async (t) => {
  const ctx = await appFor(t);
  for (const grantType of ['implicit', 'constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty']) {
    const res = await postToken(ctx.app, form({ grant_type: grantType }));
    assertOAuthError(res, 400, 'unsupported_grant_type');
  }
});

test('the password grant without a password answers 400 invalid_request', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'password', username: user.username }));
  assertOAuthError(res, 400, 'invalid_request');
});

test('grant_type=client_credentials without client credentials answers 401 invalid_client (test/oidc/client-credentials.test.ts has the grant)', async (t) => {
  const ctx = await appFor(t);
  const res = await postToken(ctx.app, form({ grant_type: 'client_credentials' }));
  assertOAuthError(res, 401, 'invalid_client');
});

test('the refresh_token grant with the access token as a bearer answers a new pair', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000); // the access token has expired: the reissue protocol allows it
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }),
    { authorization: `Bearer ${user.tokens.access_token}` });
  assertTokenAnswer(res);
  assert.notEqual(res.json().refresh_token, user.tokens.refresh_token);
  assert.notEqual(res.json().access_token, user.tokens.access_token);
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${res.json().access_token}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().id, user.userId);
});

test('the refresh_token grant with the access token in an access_token field answers a new pair', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000);
  const res = await postToken(ctx.app, form({
    grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token, access_token: user.tokens.access_token,
  }));
  assertTokenAnswer(res);
  assert.notEqual(res.json().refresh_token, user.tokens.refresh_token);
});

test('the refresh_token grant takes the refresh token alone by default, as RFC 6749 §6 clients send it', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000);
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }));
  assertTokenAnswer(res);
  assert.notEqual(res.json().refresh_token, user.tokens.refresh_token);
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${res.json().access_token}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().id, user.userId);
  const next = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: res.json().refresh_token, client_id: 'any-public-client' }));
  assertTokenAnswer(next);
});

test('a refresh token alone that was already rotated is reuse: 400 invalid_grant, and the session ends', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const first = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }));
  assertTokenAnswer(first);
  ctx.clock.advance(11 * 1000); // past the 10 s grace window
  const replay = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }));
  assertOAuthError(replay, 400, 'invalid_grant');
  const after = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: first.json().refresh_token }));
  assertOAuthError(after, 400, 'invalid_grant');
});

test('with the refresh token alone, an access_token field of another session still answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({
    grant_type: 'refresh_token', refresh_token: alice.tokens.refresh_token, access_token: bob.tokens.access_token,
  }));
  assertOAuthError(res, 400, 'invalid_grant');
  const own = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: alice.tokens.refresh_token }));
  assertTokenAnswer(own); // the refused attempt did not spend Alice's refresh token
});

test('a client authenticating with HTTP Basic (RFC 6749 §2.3.1) refreshes too: the Basic header is not taken for an access token', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const basic = { authorization: `Basic ${Buffer.from('a-confidential-client:its-secret').toString('base64')}` };
  const login = await postToken(ctx.app, form({ grant_type: 'password', username: user.username, password: user.password }), basic);
  assertTokenAnswer(login);
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: login.json().refresh_token }), basic);
  assertTokenAnswer(res);
});

test('with TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN=true the refresh token alone answers 400 invalid_request', async (t) => {
  const ctx = await createTestApp({ TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: 'true' });
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app);
  const alone = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }));
  assertOAuthError(alone, 400, 'invalid_request');
  assert.match(alone.json().error_description, /access token/);
  const paired = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token }),
    { authorization: `Bearer ${user.tokens.access_token}` });
  assertTokenAnswer(paired);
});

test('the refresh_token grant without a refresh_token answers 400 invalid_request', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token' }), { authorization: `Bearer ${user.tokens.access_token}` });
  assertOAuthError(res, 400, 'invalid_request');
});

test('the refresh_token grant with a forged refresh token answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: user.tokens.access_token }),
    { authorization: `Bearer ${user.tokens.access_token}` });
  assertOAuthError(res, 400, 'invalid_grant');
});

test('the refresh_token grant with another session\'s access token answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  const res = await postToken(ctx.app, form({ grant_type: 'refresh_token', refresh_token: alice.tokens.refresh_token }),
    { authorization: `Bearer ${bob.tokens.access_token}` });
  assertOAuthError(res, 400, 'invalid_grant');
});

test('refuses a JSON body: RFC 6749 §3.2 requires application/x-www-form-urlencoded', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await ctx.app.inject({
    method: 'POST', url: '/token',
    payload: { grant_type: 'password', username: user.username, password: user.password },
  });
  assert.notEqual(res.statusCode, 500);
  assert.ok([400, 415].includes(res.statusCode), `status ${res.statusCode}`);
  assert.equal(res.json().error, 'invalid_request');
});

test('a malformed or oversized form never answers 500', async (t) => {
  const ctx = await appFor(t);
  const big = await postToken(ctx.app, form({ grant_type: 'password', username: 'x', password: 'p'.repeat(20_000) }));
  assert.equal(big.statusCode, 413, big.body);
  const odd = await postToken(ctx.app, '%%%=&&==');
  assert.ok(odd.statusCode >= 400 && odd.statusCode < 500, `status ${odd.statusCode}`);
});
