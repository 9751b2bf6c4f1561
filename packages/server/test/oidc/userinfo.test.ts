// GET|POST /oauth/userinfo (OpenID Connect Core §5.3, RFC 6750): the claims of the scopes a client
// was granted, for its access token with openid; RFC 6750 errors with their Bearer challenge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, registerUser } from '../helpers.js';
import { clientSession, FORM, providerApp, WIKI } from './provider-harness.js';

test('a client token with openid email profile answers sub, email, email_verified, name and preferred_username; by header or form body', async (t) => {
  const ctx = await providerApp(t);
  const { user, tokens } = await clientSession(ctx, WIKI.id, ['openid', 'email', 'profile']);
  const expected = { sub: user.id, email: user.email, email_verified: false, name: user.username, preferred_username: user.username };
  const viaHeader = await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(tokens.access_token) });
  assert.equal(viaHeader.statusCode, 200, viaHeader.body);
  assert.equal(viaHeader.headers['cache-control'], 'no-store');
  assert.deepEqual(viaHeader.json(), expected);
  const viaForm = await ctx.app.inject({
    method: 'POST', url: '/oauth/userinfo', headers: { 'content-type': FORM }, payload: new URLSearchParams({ access_token: tokens.access_token }).toString(),
  });
  assert.deepEqual(viaForm.json(), expected);
  const openidOnly = await clientSession(ctx, WIKI.id, ['openid']);
  assert.deepEqual((await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(openidOnly.tokens.access_token) })).json(), { sub: openidOnly.user.id });
});

test('no token: 401 with a bare Bearer challenge; a bad or ended one: 401 invalid_token', async (t) => {
  const ctx = await providerApp(t);
  const none = await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="gatehouse"');
  const forged = await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer('not.a.token') });
  assert.equal(forged.statusCode, 401);
  assert.match(String(forged.headers['www-authenticate']), /^Bearer realm="gatehouse", error="invalid_token"/);
  assert.equal(forged.json().error, 'invalid_token');
  const { user, tokens, sessionId } = await clientSession(ctx, WIKI.id, ['openid']);
  await ctx.stores.sessions.revoke(user.id, sessionId, new Date(ctx.clock.now()));
  const ended = await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(tokens.access_token) });
  assert.deepEqual([ended.statusCode, ended.json().error], [401, 'invalid_token']);
});

test('a token of Gatehouse\'s own API, or a client\'s without openid, is 403 insufficient_scope', async (t) => {
  const ctx = await providerApp(t);
  const own = await registerUser(ctx.app);
  const noOpenid = await clientSession(ctx, WIKI.id, ['email']);
  for (const token of [own.tokens.access_token, noOpenid.tokens.access_token]) {
    const res = await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(token) });
    assert.equal(res.statusCode, 403);
    assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope".*scope="openid"/);
    assert.equal(res.json().error, 'insufficient_scope');
  }
});

test('a token in the header and in the form at once is 400 invalid_request', async (t) => {
  const ctx = await providerApp(t);
  const { tokens } = await clientSession(ctx, WIKI.id, ['openid']);
  const res = await ctx.app.inject({
    method: 'POST', url: '/oauth/userinfo', headers: { 'content-type': FORM, ...bearer(tokens.access_token) },
    payload: new URLSearchParams({ access_token: tokens.access_token }).toString(),
  });
  assert.deepEqual([res.statusCode, res.json().error], [400, 'invalid_request']);
  assert.match(String(res.headers['www-authenticate']), /error="invalid_request"/);
});

test('a client\'s access token is refused by Gatehouse\'s own account API', async (t) => {
  const ctx = await providerApp(t);
  const { tokens } = await clientSession(ctx, WIKI.id, ['openid', 'email']);
  for (const url of ['/users/me', '/users/me/sessions', '/users/me/grants']) {
    const res = await ctx.app.inject({ method: 'GET', url, headers: bearer(tokens.access_token) });
    assert.deepEqual([res.statusCode, res.json().code], [401, 'invalid_token'], url);
  }
});
