// Sign-in with another provider in real Chromium: /demo → "Sign in with Local IdP" → the local
// OpenID Connect provider's login page (oidc-provider, test/federation/test-provider.ts) → back on
// /demo logged in, with the identity listed and its unlink refused while it is the only way in; then
// "Link Other IdP" goes through the provider and back, and the page completes the link (its
// link_code and the verifier the client kept in sessionStorage) as the signed-in session.
import assert from 'node:assert/strict';
import { freePort } from '../helpers.js';
import { account, CLIENT } from '../federation/harness.js';
import { startTestProvider } from '../federation/test-provider.js';
import { browserTest, launchBrowser, startServer } from './harness.js';

browserTest('the demo signs in with the local OpenID Connect provider, lands back logged in and lists the identity', async (t) => {
  const who = account({ login: 'chromium.fed', name: 'Chromium Fed' });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const redirects = [`${baseUrl}/auth/federated/local/callback`, `${baseUrl}/auth/federated/other/callback`];
  const provider = await startTestProvider(t, [{ ...CLIENT, redirect_uris: redirects }], [who]);
  const entries = [{ id: 'local', name: 'Local IdP', issuer: provider.issuer, ...CLIENT }, { id: 'other', name: 'Other IdP', issuer: provider.issuer, ...CLIENT }];
  await startServer(t, { PORT: String(port), PUBLIC_URL: baseUrl, FEDERATION_PROVIDERS: JSON.stringify(entries) });
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${baseUrl}/demo`);
  await page.click('#providers button:has-text("Sign in with Local IdP")');
  await page.waitForURL(`${provider.issuer}/interaction/**`);
  await page.fill('input[name=login]', who.login);
  await page.fill('input[name=password]', who.password);
  await page.click('button[type=submit]');

  await page.waitForSelector('#logged-in', { state: 'visible' });
  assert.equal(page.url(), `${baseUrl}/demo`, 'the one-time code is gone from the address bar');
  assert.equal(await page.innerText('#who'), 'chromium.fed (user)');
  await page.waitForSelector('#identities li[data-provider="local"]');
  assert.match(await page.innerText('#identities'), /local \(chromium\.fed@idp\.example\)/);

  await page.click('#identities li[data-provider="local"] button');
  await page.waitForFunction(() => /last way to log in/.test(document.getElementById('message')?.textContent ?? ''));
  assert.equal(await page.locator('#identities li').count(), 1);

  await page.click('#link-providers button:has-text("Link Other IdP")');
  const consent = page.waitForURL(`${provider.issuer}/interaction/**`, { timeout: 5000 }).then(() => true, () => false);
  if (await consent) { // the provider may ask again for the other client entry
    await page.fill('input[name=login]', who.login);
    await page.fill('input[name=password]', who.password);
    await page.click('button[type=submit]');
  }
  await page.waitForSelector('#identities li[data-provider="other"]');
  assert.equal(page.url(), `${baseUrl}/demo`, 'the link_code is gone from the address bar');
  assert.equal(await page.locator('#identities li').count(), 2);
});
