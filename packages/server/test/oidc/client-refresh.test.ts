// The refresh_token grant for a session opened for a client (docs/oidc.md, "Sessions of a client"):
// a refresh token only with offline_access; only that client, authenticated by its registered
// method, may refresh it; the rotation engine as for every session (rotation, reuse detection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refresh } from '../helpers.js';
import { basic, claimsOf, clientSession, FORM, GRAFANA, providerApp, SPA, WIKI } from './provider-harness.js';

const tokenRequest = (body: Record<string, string>, authorization?: string) => ({
  method: 'POST' as const, url: '/token', headers: { 'content-type': FORM, ...(authorization ? { authorization } : {}) },
  payload: new URLSearchParams({ grant_type: 'refresh_token', ...body }).toString(),
});

test('a client session\'s access token carries client_id and scope; a refresh token comes only with offline_access', async (t) => {
  const ctx = await providerApp(t);
  const offline = await clientSession(ctx, WIKI.id, ['openid', 'offline_access']);
  assert.equal(offline.tokens.scope, 'openid offline_access');
  assert.ok(offline.tokens.refresh_token);
  const claims = claimsOf(offline.tokens.access_token);
  assert.deepEqual([claims.client_id, claims.scope, claims.sub, claims.sid], [WIKI.id, 'openid offline_access', offline.user.id, offline.sessionId]);
  const online = await clientSession(ctx, WIKI.id, ['openid']);
  assert.equal(online.tokens.refresh_token, undefined);
  assert.equal(online.tokens.refresh_expires_in, undefined);
});

test('its client refreshes it (Basic, form post, or a public client\'s id) and gets a rotated pair with the scope', async (t) => {
  const ctx = await providerApp(t);
  const cases = [
    { client: WIKI.id, auth: (rt: string) => tokenRequest({ refresh_token: rt }, basic(WIKI.id, WIKI.secret)) },
    { client: GRAFANA.id, auth: (rt: string) => tokenRequest({ refresh_token: rt, client_id: GRAFANA.id, client_secret: GRAFANA.secret }) },
    { client: SPA.id, auth: (rt: string) => tokenRequest({ refresh_token: rt, client_id: SPA.id }) },
  ];
  for (const { client, auth } of cases) {
    const { tokens } = await clientSession(ctx, client, ['openid', 'offline_access']);
    const res = await ctx.app.inject(auth(tokens.refresh_token!));
    assert.equal(res.statusCode, 200, `${client}: ${res.body}`);
    const pair = res.json();
    assert.equal(pair.scope, 'openid offline_access');
    assert.notEqual(pair.refresh_token, tokens.refresh_token);
    assert.equal(claimsOf(pair.access_token).client_id, client);
    // the old token again, by its client: reuse, the session ends (the rotation engine as it is)
    ctx.clock.advance(60_000);
    const reused = await ctx.app.inject(auth(tokens.refresh_token!));
    assert.deepEqual([reused.statusCode, reused.json().error], [400, 'invalid_grant']);
    const after = await ctx.app.inject(auth(pair.refresh_token));
    assert.deepEqual([after.statusCode, after.json().error], [400, 'invalid_grant'], 'the session ended with the reuse');
  }
});

test('anyone but its client is refused without ending the session: no client, another client, /auth/refresh', async (t) => {
  const ctx = await providerApp(t);
  const { tokens } = await clientSession(ctx, WIKI.id, ['openid', 'offline_access']);
  const refused = [
    await ctx.app.inject(tokenRequest({ refresh_token: tokens.refresh_token! })),
    await ctx.app.inject(tokenRequest({ refresh_token: tokens.refresh_token!, client_id: GRAFANA.id, client_secret: GRAFANA.secret })),
  ];
  for (const res of refused) assert.deepEqual([res.statusCode, res.json().error], [400, 'invalid_grant'], res.body);
  // a confidential client naming itself without its secret has not authenticated (RFC 6749 §2.3)
  const idAlone = await ctx.app.inject(tokenRequest({ refresh_token: tokens.refresh_token!, client_id: WIKI.id }));
  assert.deepEqual([idAlone.statusCode, idAlone.json().error], [401, 'invalid_client']);
  const viaOwnApi = await refresh(ctx.app, { access_token: tokens.access_token, refresh_token: tokens.refresh_token! });
  assert.equal(viaOwnApi.statusCode, 401);
  const wrongSecret = await ctx.app.inject(tokenRequest({ refresh_token: tokens.refresh_token! }, basic(WIKI.id, 'x'.repeat(40))));
  assert.deepEqual([wrongSecret.statusCode, wrongSecret.json().error], [401, 'invalid_client']);
  const byOwner = await ctx.app.inject(tokenRequest({ refresh_token: tokens.refresh_token! }, basic(WIKI.id, WIKI.secret)));
  assert.equal(byOwner.statusCode, 200, 'the session is still alive after the refusals');
});

test('Basic credentials of a client sent with a token of Gatehouse\'s own session are ignored, as before', async (t) => {
  const ctx = await providerApp(t);
  const { registerUser } = await import('../helpers.js');
  const own = await registerUser(ctx.app);
  const res = await ctx.app.inject(tokenRequest({ refresh_token: own.tokens.refresh_token }, basic('nobody', 'nothing')));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().scope, undefined);
});
