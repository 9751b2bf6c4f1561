// Consent (docs/oidc.md, "Consent"): stored per user and client as the union of the scopes granted,
// listed and revocable by the user (GET/DELETE /users/me/grants) and by an admin
// (/admin/users/:id/grants); revoking ends that client's sessions of the user, and is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, registerUser } from '../helpers.js';
import { basic, clientSession, CTX, FORM, GRAFANA, providerApp, WIKI } from './provider-harness.js';

test('record keeps the union of the scopes granted; find and list answer it', async (t) => {
  const ctx = await providerApp(t);
  const { userId } = await registerUser(ctx.app);
  assert.equal(await ctx.oidc.consentGrants.find(userId, WIKI.id), null);
  await ctx.oidc.consentGrants.record(userId, WIKI.id, ['openid', 'email']);
  ctx.clock.advance(1000);
  await ctx.oidc.consentGrants.record(userId, WIKI.id, ['openid', 'profile']);
  assert.deepEqual(await ctx.oidc.consentGrants.find(userId, WIKI.id), { scopes: ['openid', 'email', 'profile'] });
  const listed = await ctx.oidc.consentGrants.list(userId);
  assert.deepEqual(listed.map((g) => [g.clientId, g.scopes]), [[WIKI.id, ['openid', 'email', 'profile']]]);
  assert.equal(listed[0]!.createdAt.getTime(), ctx.clock.now() - 1000, 'the first consent\'s time stays');
});

test('a user lists their consents and revokes one: that client\'s sessions end, the other client\'s and their own stay', async (t) => {
  const ctx = await providerApp(t);
  const me = await registerUser(ctx.app);
  const wiki = await clientSession(ctx, WIKI.id, ['openid', 'offline_access'], me.userId);
  const grafana = await clientSession(ctx, GRAFANA.id, ['openid'], me.userId);
  await ctx.oidc.consentGrants.record(me.userId, WIKI.id, ['openid', 'offline_access']);
  await ctx.oidc.consentGrants.record(me.userId, GRAFANA.id, ['openid']);
  const list = await ctx.app.inject({ method: 'GET', url: '/users/me/grants', headers: bearer(me.tokens.access_token) });
  assert.equal(list.statusCode, 200, list.body);
  assert.deepEqual(list.json().grants.map((g: { client_id: string; scope: string }) => [g.client_id, g.scope]),
    [[GRAFANA.id, 'openid'], [WIKI.id, 'openid offline_access']]);
  const revoked = await ctx.app.inject({ method: 'DELETE', url: `/users/me/grants/${WIKI.id}`, headers: bearer(me.tokens.access_token) });
  assert.equal(revoked.statusCode, 204, revoked.body);
  const userinfo = (token: string) => ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(token) });
  assert.equal((await userinfo(wiki.tokens.access_token)).statusCode, 401, 'the wiki\'s access token stopped working');
  const refreshed = await ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': FORM, authorization: basic(WIKI.id, WIKI.secret) },
    payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: wiki.tokens.refresh_token! }).toString(),
  });
  assert.deepEqual([refreshed.statusCode, refreshed.json().error], [400, 'invalid_grant']);
  assert.equal((await userinfo(grafana.tokens.access_token)).statusCode, 200, 'grafana\'s session stays');
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(me.tokens.access_token) })).statusCode, 200);
  assert.equal(await ctx.oidc.consentGrants.find(me.userId, WIKI.id), null);
  const again = await ctx.app.inject({ method: 'DELETE', url: `/users/me/grants/${WIKI.id}`, headers: bearer(me.tokens.access_token) });
  assert.deepEqual([again.statusCode, again.json().code], [404, 'grant_not_found']);
  const badId = await ctx.app.inject({ method: 'DELETE', url: '/users/me/grants/a%20b', headers: bearer(me.tokens.access_token) });
  assert.equal(badId.statusCode, 400);
});

test('an admin lists and revokes a user\'s consents; others may not; both revocations are audited', async (t) => {
  const ctx = await providerApp(t);
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const other = await registerUser(ctx.app);
  const { user, tokens } = await clientSession(ctx, WIKI.id, ['openid']);
  await ctx.oidc.consentGrants.record(user.id, WIKI.id, ['openid']);
  const url = `/admin/users/${user.id}/grants`;
  assert.equal((await ctx.app.inject({ method: 'GET', url, headers: bearer(other.tokens.access_token) })).statusCode, 403);
  const listed = await ctx.app.inject({ method: 'GET', url, headers: bearer(admin.tokens.access_token) });
  assert.deepEqual(listed.json().grants.map((g: { client_id: string }) => g.client_id), [WIKI.id]);
  const unknown = await ctx.app.inject({ method: 'GET', url: '/admin/users/0190a0a0-0000-7000-8000-000000000000/grants', headers: bearer(admin.tokens.access_token) });
  assert.equal(unknown.statusCode, 404);
  const revoked = await ctx.app.inject({ method: 'DELETE', url: `${url}/${WIKI.id}`, headers: bearer(admin.tokens.access_token) });
  assert.equal(revoked.statusCode, 204, revoked.body);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(tokens.access_token) })).statusCode, 401);
  await ctx.oidc.consentGrants.record(other.userId, GRAFANA.id, ['openid']);
  assert.equal((await ctx.app.inject({ method: 'DELETE', url: `/users/me/grants/${GRAFANA.id}`, headers: bearer(other.tokens.access_token) })).statusCode, 204);
  await ctx.auditWriter!.flush();
  const events = await ctx.stores.audit.find({ type: 'consent_revoked', limit: 10 });
  const seen = events.map((e) => [e.actorId, e.subjectId, e.data.clientId, e.data.revokedSessions]).sort();
  assert.deepEqual(seen, [[admin.userId, user.id, WIKI.id, 1], [other.userId, other.userId, GRAFANA.id, 0]].sort());
});

test('a consent granted and revoked (by the user, then by an admin) reach a webhook endpoint as grant.created and grant.revoked', async (t) => {
  const received: Array<{ type: string; data: Record<string, unknown> }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => { receiver.closeAllConnections(); receiver.close(); });
  const ctx = await providerApp(t, { WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' });
  ctx.clock.set(Date.now());
  await ctx.webhooks.admin.create({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, events: ['grant.created', 'grant.revoked'] });
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const me = await registerUser(ctx.app);
  await ctx.oidc.consentGrants.recordAs(me.userId, WIKI.id, ['openid', 'email'], CTX);
  await ctx.oidc.consentGrants.record(me.userId, GRAFANA.id, ['openid']);
  const own = await ctx.app.inject({ method: 'DELETE', url: `/users/me/grants/${WIKI.id}`, headers: bearer(me.tokens.access_token) });
  assert.equal(own.statusCode, 204, own.body);
  const byAdmin = await ctx.app.inject({ method: 'DELETE', url: `/admin/users/${me.userId}/grants/${GRAFANA.id}`, headers: bearer(admin.tokens.access_token) });
  assert.equal(byAdmin.statusCode, 204, byAdmin.body);
  for (let i = 0; i < 100 && received.length < 4; i += 1) {
    await ctx.webhooks.worker.drain();
    if (received.length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(received.map((m) => [m.type, m.data]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
    ['grant.created', { user_id: me.userId, client_id: GRAFANA.id, scope: 'openid' }],
    ['grant.created', { user_id: me.userId, client_id: WIKI.id, scope: 'openid email' }],
    ['grant.revoked', { user_id: me.userId, client_id: GRAFANA.id, reason: 'admin' }],
    ['grant.revoked', { user_id: me.userId, client_id: WIKI.id, reason: 'user' }],
  ]);
});
