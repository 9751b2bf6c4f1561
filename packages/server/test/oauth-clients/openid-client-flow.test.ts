// openid-client (panva, v6, a certified relying party) driving Chromium through Gatehouse's pages:
// code + PKCE with an ID token and its nonce, refresh with offline_access, prompt=none with and
// without a session, prompt=login, max_age, consent and deny, and RP-initiated logout. The redirect
// URI is answered by the test itself (Chromium's request to it is fulfilled and recorded).
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import type { BrowserContext } from 'playwright-core';
import { browserTest, launchBrowser } from '../browser/harness.js';
import { answerConsent, RP_SECRET, signInOnPage, startProvider } from './rp-browser.js';

const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';
const CLIENTS = [{
  client_id: 'rp', client_secret: RP_SECRET, client_name: 'Relying Party', redirect_uris: [CB], post_logout_redirect_uris: [BYE],
  grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access',
}];

/** Opens `url` in the context's page and answers where the browser ended: a URL under CB or BYE (the RP's side), fulfilled by the test. */
function rpSide(context: BrowserContext) {
  let landed: ((url: URL) => void) | undefined;
  const routed = context.route(/^http:\/\/127\.0\.0\.1:9\//, async (route) => {
    landed?.(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'relying party' });
  });
  return {
    routed,
    next: () => new Promise<URL>((resolve) => { landed = resolve; }),
  };
}

browserTest('openid-client signs a person in through the pages: PKCE, nonce, consent, prompt=none, prompt=login, max_age, refresh, logout, deny', async (t) => {
  const provider = await startProvider(t, CLIENTS);
  const username = await provider.registerUser();
  const config = await client.discovery(new URL(provider.baseUrl), 'rp', RP_SECRET, undefined, { execute: [client.allowInsecureRequests] });
  const browser = await launchBrowser(t);
  const context = await browser.newContext();
  const page = await context.newPage();
  const rp = rpSide(context);
  await rp.routed;

  async function start(extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const checks = { pkceCodeVerifier: verifier, expectedNonce: client.randomNonce(), expectedState: client.randomState() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CB, scope: 'openid email offline_access', code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', nonce: checks.expectedNonce, state: checks.expectedState, ...extra,
    });
    const landed = rp.next();
    await page.goto(url.href);
    return { checks, landed };
  }

  // code + PKCE, with consent asked once
  const first = await start();
  await signInOnPage(page, username);
  await answerConsent(page, 'allow');
  const tokens = await client.authorizationCodeGrant(config, await first.landed, { ...first.checks, idTokenExpected: true });
  const claims = tokens.claims()!;
  assert.equal(claims.iss, provider.baseUrl);
  assert.equal(claims.aud, 'rp');
  assert.ok(tokens.refresh_token, 'offline_access: a refresh token');
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  assert.ok(refreshed.access_token);

  // prompt=none with the session: straight back with a code
  const silent = await start({ prompt: 'none' });
  const silentTokens = await client.authorizationCodeGrant(config, await silent.landed, silent.checks);
  assert.equal(silentTokens.claims()!.sub, claims.sub);

  // prompt=login: the sign-in page again, then a newer auth_time
  const relogin = await start({ prompt: 'login' });
  await new Promise((resolve) => setTimeout(resolve, 1100)); // auth_time has whole seconds: let one pass
  await signInOnPage(page, username);
  const reloginTokens = await client.authorizationCodeGrant(config, await relogin.landed, relogin.checks);
  assert.ok(reloginTokens.claims()!.auth_time! > claims.auth_time!);

  // max_age=0 once a second has passed since that sign-in: sign in again
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const aged = await start({ max_age: '0' });
  await signInOnPage(page, username);
  const agedTokens = await client.authorizationCodeGrant(config, await aged.landed, { ...aged.checks, maxAge: 0 });
  assert.ok(agedTokens.claims()!.auth_time! > reloginTokens.claims()!.auth_time!);

  // RP-initiated logout, then prompt=none finds nobody
  const bye = rp.next();
  await page.goto(client.buildEndSessionUrl(config, { id_token_hint: agedTokens.id_token!, post_logout_redirect_uri: BYE, state: 'bye-state' }).href);
  assert.equal((await bye).searchParams.get('state'), 'bye-state');
  const nobody = await start({ prompt: 'none' });
  await assert.rejects(client.authorizationCodeGrant(config, await nobody.landed, nobody.checks), (error: { error?: string }) => error.error === 'login_required');

  // another person, who denies
  const other = await provider.registerUser();
  const denied = await start();
  await signInOnPage(page, other);
  await answerConsent(page, 'deny');
  await assert.rejects(client.authorizationCodeGrant(config, await denied.landed, denied.checks), (error: { error?: string }) => error.error === 'access_denied');
});
