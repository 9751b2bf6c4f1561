// @gatehouse-auth/client's sign-in with other providers, against the real app and a real OpenID
// Connect provider: the start URL, finishing on the page it comes back to, the identities, a link
// and an unlink, and an error parameter as an AuthClientError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthClientError, createAuthClient, memoryStorage } from '@gatehouse-auth/client';
import { TestBrowser } from '../federation/browser.js';
import { account, APP_URL, atCallback, CLIENT, startStand } from '../federation/harness.js';

test('client.federation: start URL, finishSignIn with the code, identities, link, unlink; an error parameter throws its code', async (t) => {
  const who = account();
  const stand = await startStand(t, [who], {}, (issuer) => [
    { id: 'local', name: 'Local IdP', issuer, ...CLIENT }, { id: 'other', name: 'Other IdP', issuer, ...CLIENT },
  ]);
  const client = createAuthClient({ baseUrl: stand.baseUrl, storage: memoryStorage(), now: () => stand.gatehouse.clock.now() });
  assert.deepEqual(await client.federation.providers(), [{ id: 'local', name: 'Local IdP', type: 'oidc' }, { id: 'other', name: 'Other IdP', type: 'oidc' }]);
  const start = client.federation.signInUrl('local', `${APP_URL}/back`);
  assert.equal(start, `${stand.baseUrl}/auth/federated/local/start?redirect_to=${encodeURIComponent(`${APP_URL}/back`)}`);

  const browser = new TestBrowser();
  const redirect = await browser.get(start);
  const landed = new URL((await browser.get(await atCallback(stand, browser, new URL(redirect.headers.get('location')!), who))).headers.get('location')!);
  assert.equal(await client.federation.finishSignIn(`${APP_URL}/back`), null, 'no code, no error: nothing to do');
  const session = await client.federation.finishSignIn(landed);
  assert.equal(session?.claims.name, who.login);
  assert.equal((await client.user())?.email, who.email);

  const [identity] = await client.federation.identities();
  assert.equal(identity?.provider, 'local');
  const link = new URL(await client.federation.linkUrl('other', `${APP_URL}/back`));
  const linked = await browser.get(await atCallback(stand, browser, new URL((await browser.get(link)).headers.get('location')!), who, 'other'));
  assert.equal(new URL(linked.headers.get('location')!).searchParams.get('linked'), 'other');
  assert.deepEqual((await client.federation.identities()).map((entry) => entry.provider), ['local', 'other']);
  await client.federation.unlink(identity!.id);
  await assert.rejects(client.federation.unlink((await client.federation.identities())[0]!.id), (error: unknown) =>
    error instanceof AuthClientError && error.code === 'last_login_method' && error.status === 409);
  await assert.rejects(client.federation.finishSignIn(`${APP_URL}/back?error=account_exists`), (error: unknown) =>
    error instanceof AuthClientError && error.code === 'account_exists');
  await assert.rejects(client.federation.finishSignIn(landed), (error: unknown) => error instanceof AuthClientError && error.code === 'invalid_code');
});
