// openid-client (panva, v6, a certified relying party) driving Chromium through Gatehouse's pages:
// code + PKCE with an ID token and its nonce, refresh with offline_access, prompt=none with and
// without a session, prompt=login, max_age, consent and deny, and RP-initiated logout. The redirect
// URI is a loopback server of the test's that records where the browser landed.
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { freePort } from '../helpers.js';
import { browserTest, launchBrowser } from '../browser/harness.js';
import { answerConsent, relyingPartySide, RP_SECRET, signInOnPage, startProvider } from './rp-browser.js';

const clients = (origin: string) => [{
  client_id: 'rp', client_secret: RP_SECRET, client_name: 'Relying Party', redirect_uris: [`${origin}/cb`], post_logout_redirect_uris: [`${origin}/bye`],
  grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access',
}];

browserTest('openid-client signs a person in through the pages: PKCE, nonce, consent, prompt=none, prompt=login, max_age, refresh, logout, deny', async (t) => {
  const rp = await relyingPartySide(t, await freePort());
  const CB = `${rp.origin}/cb`;
  const BYE = `${rp.origin}/bye`;
  const provider = await startProvider(t, clients(rp.origin));
  const username = await provider.registerUser();
  const config = await client.discovery(new URL(provider.baseUrl), 'rp', undefined, client.ClientSecretBasic(RP_SECRET), { execute: [client.allowInsecureRequests] });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();

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
