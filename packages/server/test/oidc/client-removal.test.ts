// Removing a client takes the users' consent to it along (docs/oidc.md, "Consent"): a client later
// registered under the same client_id is another app and asks again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser } from '../helpers.js';
import { newClient } from '../storage/contract/oauth-clients.js';
import { providerApp } from './provider-harness.js';

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
