// POST /oauth/introspect (RFC 7662): resource servers of INTROSPECTION_CLIENTS authenticate with
// HTTP Basic; a live access or refresh token answers who it is, and {active: false} comes as soon
// as the session ends, the user is disabled or the token is invalid, expired or superseded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { bearer, createTestApp, registerUser, type TestApp } from '../../../helpers.js';
import { INTROSPECTION_CLIENTS, INTROSPECTOR, assertOAuthError, basic, introspect, postForm } from './oauth-helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp({ INTROSPECTION_CLIENTS, ...env });
  t.after(() => ctx.close());
  return ctx;
}

async function answer(ctx: TestApp, fields: Record<string, string>): Promise<unknown> {
  const res = await introspect(ctx.app, fields);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  return res.json();
}

const INACTIVE = { active: false };

/** What introspection answers for a live token: its own claims, the user's name, the kind. */
function activeAnswer(token: string, username: string, tokenType: 'bearer' | 'refresh_token', extra: object = {}) {
  const { sub, sid, exp, iat } = decodeJwt(token);
  return { active: true, sub, sid, username, exp, iat, iss: 'gatehouse', ...extra, token_type: tokenType };
}

test('a live access token answers exactly active, sub, sid, username, exp, iat, iss and token_type bearer', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }), activeAnswer(user.tokens.access_token, user.username, 'bearer'));
});

test('with JWT_AUDIENCE the answer carries aud', async (t) => {
  const ctx = await appFor(t, { JWT_AUDIENCE: 'https://api.example' });
  const user = await registerUser(ctx.app);
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }),
    activeAnswer(user.tokens.access_token, user.username, 'bearer', { aud: 'https://api.example' }));
});

test('a live refresh token answers active with token_type refresh_token, whatever the hint', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const expected = activeAnswer(user.tokens.refresh_token, user.username, 'refresh_token');
  for (const hint of ['refresh_token', 'access_token', 'unknown']) {
    assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token, token_type_hint: hint }), expected, hint);
  }
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token, token_type_hint: 'refresh_token' }),
    activeAnswer(user.tokens.access_token, user.username, 'bearer'));
});

test('as soon as the session is logged out, both of its tokens answer {active: false}', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await answer(ctx, { token: user.tokens.access_token }); // verified once, so cached: the session is still read
  const logout = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user.tokens.access_token) });
  assert.equal(logout.statusCode, 204);
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }), INACTIVE);
  assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token }), INACTIVE);
});

test('a token revoked through /oauth/revoke answers {active: false}', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  assert.equal((await postForm(ctx.app, '/oauth/revoke', { token: user.tokens.refresh_token })).statusCode, 200);
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }), INACTIVE);
});

test('a rotated refresh token is inactive at once (its grace replay belongs to the rotating client alone); the new pair is active', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const next = (await postForm(ctx.app, '/token', { grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token })).json();
  assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token }), INACTIVE, 'inside the grace window too');
  ctx.clock.advance(11 * 1000);
  assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token }), INACTIVE);
  assert.deepEqual(await answer(ctx, { token: next.refresh_token }), activeAnswer(next.refresh_token, user.username, 'refresh_token'));
  assert.deepEqual(await answer(ctx, { token: next.access_token }), activeAnswer(next.access_token, user.username, 'bearer'));
});

test('an expired, forged, empty or unknown token answers {active: false}', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  for (const token of ['', 'garbage', 'a.b.c', `${user.tokens.access_token}x`, `${user.tokens.refresh_token}x`]) {
    assert.deepEqual(await answer(ctx, { token }), INACTIVE, token);
  }
  ctx.clock.advance(16 * 60 * 1000);
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }), INACTIVE);
  ctx.clock.advance(7 * 24 * 3600 * 1000);
  assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token }), INACTIVE);
});

test('the tokens of a disabled user answer {active: false}', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  assert.deepEqual(await answer(ctx, { token: user.tokens.access_token }), INACTIVE);
  assert.deepEqual(await answer(ctx, { token: user.tokens.refresh_token }), INACTIVE);
});

test('no credentials, a wrong secret, an unknown client or a bearer token: 401 invalid_client with a Basic challenge', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const refusals = [
    {}, basic(INTROSPECTOR.id, 'wrong-secret-0123456789'), basic('nobody', INTROSPECTOR.secret), basic(INTROSPECTOR.id, ''),
    bearer(user.tokens.access_token), { authorization: 'Basic !!!' }, { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
    basic('billing', INTROSPECTOR.secret), // another client's id with this one's secret
  ];
  for (const headers of refusals) {
    const res = await introspect(ctx.app, { token: user.tokens.access_token }, headers);
    assertOAuthError(res, 401, 'invalid_client');
    assert.equal(res.headers['www-authenticate'], 'Basic realm="gatehouse", charset="UTF-8"');
    assert.doesNotMatch(res.body, /sub|sid/);
  }
});

test('credentials are checked before the body: without them a bad body is still 401', async (t) => {
  const ctx = await appFor(t);
  assertOAuthError(await introspect(ctx.app, {}, {}), 401, 'invalid_client');
  const json = await ctx.app.inject({ method: 'POST', url: '/oauth/introspect', payload: { token: 'x' } });
  assertOAuthError(json, 401, 'invalid_client');
});

test('every client of INTROSPECTION_CLIENTS authenticates, its id and secret form-encoded (RFC 6749 §2.3.1) or not', async (t) => {
  const secret = 'p@ss+word/with%chars!';
  const ctx = await appFor(t, { INTROSPECTION_CLIENTS: `${INTROSPECTION_CLIENTS},odd:${secret}` });
  const user = await registerUser(ctx.app);
  const encoded = encodeURIComponent(secret).replace(/%20/g, '+');
  for (const headers of [basic('billing', 'billing-secret-abcdefgh'), basic('odd', secret), basic('odd', encoded)]) {
    const res = await introspect(ctx.app, { token: user.tokens.access_token }, headers);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().active, true);
  }
});

test('a missing token answers 400 invalid_request; a JSON body, 415', async (t) => {
  const ctx = await appFor(t);
  assertOAuthError(await introspect(ctx.app, {}), 400, 'invalid_request');
  const json = await ctx.app.inject({
    method: 'POST', url: '/oauth/introspect', payload: { token: 'x' }, headers: basic(INTROSPECTOR.id, INTROSPECTOR.secret),
  });
  assertOAuthError(json, 415, 'invalid_request');
});

test('without INTROSPECTION_CLIENTS the endpoint is not served', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const res = await introspect(ctx.app, { token: 'x' });
  assert.equal(res.statusCode, 404, res.body);
  assert.equal(res.json().code, 'not_found');
});
