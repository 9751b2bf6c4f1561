// POST /oauth/revoke and /oauth/introspect with the provider's registered clients: their credentials
// are checked by their registered method; a client introspects only the tokens issued to it, with
// client_id and scope; a revoked client session ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basic, claimsOf, clientSession, FORM, GRAFANA, providerApp, SPA, WIKI } from './provider-harness.js';
import { registerUser } from '../helpers.js';

const post = (url: string, body: Record<string, string>, authorization?: string) => ({
  method: 'POST' as const, url, headers: { 'content-type': FORM, ...(authorization ? { authorization } : {}) }, payload: new URLSearchParams(body).toString(),
});

test('a registered client introspects its own tokens (Basic or form post), with client_id and scope; another client\'s are inactive to it', async (t) => {
  const ctx = await providerApp(t);
  const wiki = await clientSession(ctx, WIKI.id, ['openid', 'offline_access']);
  const byWiki = await ctx.app.inject(post('/oauth/introspect', { token: wiki.tokens.access_token }, basic(WIKI.id, WIKI.secret)));
  assert.equal(byWiki.statusCode, 200, byWiki.body);
  const answer = byWiki.json();
  assert.deepEqual([answer.active, answer.client_id, answer.scope, answer.sub, answer.token_type], [true, WIKI.id, 'openid offline_access', wiki.user.id, 'bearer']);
  const refresh = (await ctx.app.inject(post('/oauth/introspect', { token: wiki.tokens.refresh_token!, token_type_hint: 'refresh_token' }, basic(WIKI.id, WIKI.secret)))).json();
  assert.deepEqual([refresh.active, refresh.client_id, refresh.token_type], [true, WIKI.id, 'refresh_token']);
  const byGrafana = await ctx.app.inject(post('/oauth/introspect', { token: wiki.tokens.access_token, client_id: GRAFANA.id, client_secret: GRAFANA.secret }));
  assert.deepEqual(byGrafana.json(), { active: false });
});

test('introspection refuses a wrong secret, a public client and no credentials with 401 invalid_client', async (t) => {
  const ctx = await providerApp(t);
  const { tokens } = await clientSession(ctx, WIKI.id, ['openid']);
  for (const request of [
    post('/oauth/introspect', { token: tokens.access_token }, basic(WIKI.id, 'x'.repeat(40))),
    post('/oauth/introspect', { token: tokens.access_token, client_id: SPA.id }),
    post('/oauth/introspect', { token: tokens.access_token }),
  ]) {
    const res = await ctx.app.inject(request);
    assert.deepEqual([res.statusCode, res.json().error], [401, 'invalid_client']);
  }
});

test('revocation checks a registered client\'s credentials; its refresh token revoked ends the session; unknown client ids are ignored as before', async (t) => {
  const ctx = await providerApp(t);
  const wiki = await clientSession(ctx, WIKI.id, ['openid', 'offline_access']);
  const wrong = await ctx.app.inject(post('/oauth/revoke', { token: wiki.tokens.refresh_token! }, basic(WIKI.id, 'x'.repeat(40))));
  assert.deepEqual([wrong.statusCode, wrong.json().error], [401, 'invalid_client']);
  const unknown = await ctx.app.inject(post('/oauth/revoke', { token: 'not-a-token', client_id: 'some-public-app' }));
  assert.equal(unknown.statusCode, 200);
  const ok = await ctx.app.inject(post('/oauth/revoke', { token: wiki.tokens.refresh_token!, token_type_hint: 'refresh_token' }, basic(WIKI.id, WIKI.secret)));
  assert.equal(ok.statusCode, 200, ok.body);
  const session = await ctx.stores.sessions.findById(wiki.user.id, wiki.sessionId);
  assert.ok(session?.revokedAt, 'the client session ended');
  const spa = await clientSession(ctx, SPA.id, ['openid', 'offline_access']);
  assert.equal((await ctx.app.inject(post('/oauth/revoke', { token: spa.tokens.refresh_token!, client_id: SPA.id }))).statusCode, 200);
  assert.ok((await ctx.stores.sessions.findById(spa.user.id, spa.sessionId))?.revokedAt);
});

test('a client may not revoke a token issued to another client, nor a first-party token: 400 invalid_grant (RFC 7009 §2.1), and nothing ends', async (t) => {
  const ctx = await providerApp(t);
  const grafana = await clientSession(ctx, GRAFANA.id, ['openid', 'offline_access']);
  const firstParty = await registerUser(ctx.app);
  for (const [token, hint] of [
    [grafana.tokens.refresh_token!, 'refresh_token'], [grafana.tokens.access_token, 'access_token'], [grafana.tokens.access_token, undefined],
    [firstParty.tokens.refresh_token, 'refresh_token'], [firstParty.tokens.access_token, undefined],
  ] as const) {
    const res = await ctx.app.inject(post('/oauth/revoke', { token, ...(hint ? { token_type_hint: hint } : {}) }, basic(WIKI.id, WIKI.secret)));
    assert.deepEqual([res.statusCode, res.json().error], [400, 'invalid_grant'], res.body);
    const spa = await ctx.app.inject(post('/oauth/revoke', { token, client_id: SPA.id }));
    assert.deepEqual([spa.statusCode, spa.json().error], [400, 'invalid_grant'], spa.body);
  }
  assert.equal((await ctx.stores.sessions.findById(grafana.user.id, grafana.sessionId))?.revokedAt ?? null, null, 'grafana\'s session lives on');
  const own = await ctx.stores.sessions.findById(firstParty.userId, claimsOf(firstParty.tokens.access_token).sid as string);
  assert.equal(own?.revokedAt ?? null, null, 'the first-party session lives on');
  const byGrafana = await ctx.app.inject(post('/oauth/revoke', { token: grafana.tokens.access_token, client_id: GRAFANA.id, client_secret: GRAFANA.secret }));
  assert.equal(byGrafana.statusCode, 200, byGrafana.body);
  assert.ok((await ctx.stores.sessions.findById(grafana.user.id, grafana.sessionId))?.revokedAt, 'its own client revokes it');
});

test('introspection by a client of another client\'s refresh token or of a first-party token is {active: false}, nothing more', async (t) => {
  const ctx = await providerApp(t);
  const grafana = await clientSession(ctx, GRAFANA.id, ['openid', 'offline_access']);
  const firstParty = await registerUser(ctx.app);
  for (const [token, hint] of [[grafana.tokens.refresh_token!, 'refresh_token'], [firstParty.tokens.access_token, 'access_token'], [firstParty.tokens.refresh_token, 'refresh_token']] as const) {
    const res = await ctx.app.inject(post('/oauth/introspect', { token, token_type_hint: hint }, basic(WIKI.id, WIKI.secret)));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { active: false });
  }
});
