// Removing a client takes the users' consent to it along (docs/oidc.md, "Consent"): a client later
// registered under the same client_id is another app and asks again. The sessions opened for it end
// at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, me, registerUser } from '../helpers.js';
import { newClient } from '../storage/contract/oauth-clients.js';
import { clientSession, providerApp, WIKI } from './provider-harness.js';

test('deleting a stored client deletes every consent to it, and only to it', async (t) => {
  const ctx = await providerApp(t);
  const { userId } = await registerUser(ctx.app);
  await ctx.stores.oauthClients.create(newClient('notes'));
  const now = new Date(ctx.clock.now());
  await ctx.stores.consentGrants.save({ userId, clientId: 'notes', scopes: ['openid'], createdAt: now, updatedAt: now });
  await ctx.stores.consentGrants.save({ userId, clientId: 'wiki', scopes: ['openid'], createdAt: now, updatedAt: now });
  assert.equal(await ctx.stores.oauthClients.delete('notes'), true);
  assert.equal(await ctx.stores.consentGrants.find(userId, 'notes'), null);
  assert.deepEqual((await ctx.stores.consentGrants.find(userId, 'wiki'))?.scopes, ['openid']);
  await ctx.stores.oauthClients.create(newClient('notes'));
  assert.equal(await ctx.stores.consentGrants.find(userId, 'notes'), null, 'the new "notes" has no consent of the old one');
});

test('deleting a client (admin API) ends at once every session opened for it, of every user: its access tokens fail their next check; others live on', async (t) => {
  const ctx = await providerApp(t);
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const made = await ctx.app.inject({
    method: 'POST', url: '/admin/clients', headers: bearer(admin.tokens.access_token),
    payload: { client_id: 'notes', redirect_uris: ['https://notes.example.com/cb'], scope: 'openid offline_access' },
  });
  assert.equal(made.statusCode, 201, made.body);
  const first = await clientSession(ctx, 'notes', ['openid', 'offline_access']);
  const second = await clientSession(ctx, 'notes', ['openid']);
  const wiki = await clientSession(ctx, WIKI.id, ['openid']);
  const userinfo = (token: string) => ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(token) });
  assert.equal((await userinfo(first.tokens.access_token)).statusCode, 200);
  const removed = await ctx.app.inject({ method: 'DELETE', url: '/admin/clients/notes', headers: bearer(admin.tokens.access_token) });
  assert.equal(removed.statusCode, 204, removed.body);
  for (const s of [first, second]) {
    assert.ok((await ctx.stores.sessions.findById(s.user.id, s.sessionId))?.revokedAt, 'the session ended');
    assert.equal((await userinfo(s.tokens.access_token)).statusCode, 401, 'its access token is refused at once');
  }
  assert.equal((await ctx.stores.sessions.findById(wiki.user.id, wiki.sessionId))?.revokedAt, null, 'another client\'s session lives on');
  assert.equal((await userinfo(wiki.tokens.access_token)).statusCode, 200);
  assert.equal((await me(ctx.app, admin.tokens.access_token)).statusCode, 200, 'the admin\'s own session lives on');
});
