// The federated login's checks, each attacked over HTTP against a real OpenID Connect provider: a
// tampered state, a callback in another browser, a wrong nonce, a PKCE challenge changed or dropped,
// a stolen code without its verifier, an ID token from another issuer, replayed codes (the
// provider's and ours), open redirects, a declined login and a provider that cannot be reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { assertError, freePort } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, atCallback, CLIENT, exchange, signIn, startQuery, startStand, type Stand } from './harness.js';

const errorOf = (url: URL) => ({ page: url.origin + url.pathname, error: url.searchParams.get('error'), code: url.searchParams.get('code') });
const PAGE = `${APP_URL}/back`;

/** A login up to the callback URL, without opening it. */
async function callbackOf(stand: Stand, browser: TestBrowser, who = account()) {
  const start = await browser.get(`${stand.baseUrl}/auth/federated/local/start${startQuery(PAGE)}`);
  return atCallback(stand, browser, new URL(start.headers.get('location')!), who);
}

test('a tampered state, and a callback opened in another browser, land on APP_URL with invalid_state', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const tampered = await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE, callback: (url) => { url.searchParams.set('state', 'x'.repeat(43)); return url; } });
  assert.deepEqual(errorOf(tampered), { page: `${APP_URL}/`, error: 'invalid_state', code: null });

  const victim = new TestBrowser();
  const url = await callbackOf(stand, new TestBrowser(), who); // the attacker's own login, finished in the victim's browser
  const res = await victim.get(url);
  // another browser's callback finds no pending sign-in at all, so it lands where a tampered state does
  assert.deepEqual(errorOf(new URL(res.headers.get('location')!)), { page: `${APP_URL}/`, error: 'invalid_state', code: null });
});

test('a leaked state opened in another browser spends nothing: the real sign-in still finishes in its own browser', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const owner = new TestBrowser();
  const url = await callbackOf(stand, owner, who);
  const elsewhere = await new TestBrowser().get(url); // the state leaked (a log, a referrer) and was opened elsewhere first
  assert.deepEqual(errorOf(new URL(elsewhere.headers.get('location')!)), { page: `${APP_URL}/`, error: 'invalid_state', code: null });
  const res = await owner.get(url);
  const landed = new URL(res.headers.get('location')!);
  assert.equal(landed.searchParams.get('error'), null, landed.href);
  assert.equal((await exchange(stand, landed.searchParams.get('code')!)).statusCode, 200);
});

test('without APP_URL outside production, errors and the default redirect_to go to PUBLIC_URL/demo', async (t) => {
  const stand = await startStand(t, [], { APP_URL: '' });
  const lost = await stand.gatehouse.app.inject({ url: '/auth/federated/local/callback?state=nope&code=x' });
  assert.equal(lost.headers.location, `${stand.baseUrl}/demo?error=invalid_state`);
  assert.equal(lost.headers['referrer-policy'], 'no-referrer');
  assert.equal((await stand.gatehouse.app.inject({ url: `/auth/federated/local/start${startQuery(undefined)}` })).statusCode, 302);
});

test('an ID token with another nonce is refused (federation_failed) and creates no account', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const landed = await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE, authorize: (url) => { url.searchParams.set('nonce', 'attacker-nonce'); return url; } });
  assert.deepEqual(errorOf(landed), { page: PAGE, error: 'federation_failed', code: null });
  assert.match(stand.lastFailure(), /unexpected ID Token "nonce" claim value/);
  assert.equal(await stand.gatehouse.stores.users.findByLogin(who.email), null);
});

test('PKCE: a changed or dropped code_challenge fails the code redemption; a stolen code is useless without the verifier', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const changed = await signIn(stand, new TestBrowser(), who, {
    redirectTo: PAGE, authorize: (url) => { url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); return url; },
  });
  assert.deepEqual(errorOf(changed), { page: PAGE, error: 'federation_failed', code: null });
  assert.match(stand.lastFailure(), /server responded with an error/); // the provider's invalid_grant
  const dropped = await signIn(stand, new TestBrowser(), who, {
    redirectTo: PAGE, authorize: (url) => { url.searchParams.delete('code_challenge'); url.searchParams.delete('code_challenge_method'); return url; },
  });
  assert.deepEqual(errorOf(dropped), { page: PAGE, error: 'federation_failed', code: null });
  assert.match(stand.lastFailure(), /server responded with an error/);

  const stolen = (await callbackOf(stand, new TestBrowser(), who)).searchParams.get('code')!;
  const redeemed = await fetch(stand.provider.tokenEndpoint, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: stolen, redirect_uri: `${stand.baseUrl}/auth/federated/local/callback`, ...CLIENT }),
  });
  assert.equal(redeemed.status, 400);
  assert.equal((await redeemed.json()).error, 'invalid_grant');
});

test('an ID token from another issuer than the configured one is refused', async (t) => {
  const who = account();
  // "other" is configured with a stand-in issuer whose discovery document names the stand-in but
  // whose endpoints are the real provider's: its ID tokens carry the real provider's `iss`.
  const port = await freePort();
  const standIn = `http://127.0.0.1:${port}`;
  let realIssuer = '';
  const server = createServer(async (_req, res) => {
    const document = await (await fetch(`${realIssuer}/.well-known/openid-configuration`)).json();
    delete document.authorization_response_iss_parameter_supported;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...document, issuer: standIn }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => server.close());
  const stand = await startStand(t, [who], {}, (issuer) => {
    realIssuer = issuer;
    return [{ id: 'other', issuer: standIn, ...CLIENT }];
  });
  const landed = await signIn(stand, new TestBrowser(), who, {
    provider: 'other', redirectTo: PAGE, callback: (url) => { url.searchParams.delete('iss'); return url; },
  });
  assert.deepEqual(errorOf(landed), { page: PAGE, error: 'federation_failed', code: null });
  assert.match(stand.lastFailure(), /unexpected JWT "iss" \(issuer\) claim value/);
});

test('a replayed callback finds no login (invalid_state); the provider\'s code replayed in a new login is refused by the provider', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const browser = new TestBrowser();
  const first = await callbackOf(stand, browser, who);
  const done = await browser.get(first);
  assert.ok(new URL(done.headers.get('location')!).searchParams.get('code'));
  const replay = await browser.get(first);
  assert.deepEqual(errorOf(new URL(replay.headers.get('location')!)), { page: `${APP_URL}/`, error: 'invalid_state', code: null });

  const second = await callbackOf(stand, browser, who);
  second.searchParams.set('code', first.searchParams.get('code')!);
  const reused = await browser.get(second);
  assert.deepEqual(errorOf(new URL(reused.headers.get('location')!)), { page: PAGE, error: 'federation_failed', code: null });
  assert.match(stand.lastFailure(), /server responded with an error/);
});

test('redirect_to must be on an allowed origin: every open-redirect spelling answers 400 invalid_redirect', async (t) => {
  const stand = await startStand(t, [], { REDIRECT_ORIGINS: 'https://other-app.example' });
  const refused = ['https://evil.example/', '//evil.example/x', 'http://app.example.test@evil.example/', 'http://app.example.test.evil.example/',
    'javascript:alert(1)', '/relative', 'https://app.example.test/', 'http://user:pw@app.example.test/', 'https://other-app.example.evil/'];
  for (const target of refused) {
    const res = await stand.gatehouse.app.inject({ url: `/auth/federated/local/start${startQuery(target)}` });
    assertError(res, 400, 'invalid_redirect');
  }
  for (const target of [`${APP_URL}/a?b=c`, 'https://other-app.example/x', `${stand.baseUrl}/demo`]) {
    const res = await stand.gatehouse.app.inject({ url: `/auth/federated/local/start${startQuery(target)}` });
    assert.equal(res.statusCode, 302, `${target}: ${res.body}`);
  }
  assertError(await stand.gatehouse.app.inject({ url: '/auth/federated/nope/start' }), 404, 'unknown_provider');
});

test('a person who declines at the provider lands on the app page with access_denied', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const browser = new TestBrowser();
  const start = await browser.get(`${stand.baseUrl}/auth/federated/local/start${startQuery(PAGE)}`);
  const form = await browser.follow(start.headers.get('location')!, () => false);
  const back = await browser.follow(new URL(`${form.url.pathname}/abort`, form.url), (url) => url.href.startsWith(stand.baseUrl));
  const landed = await browser.get(back.url);
  assert.deepEqual(errorOf(new URL(landed.headers.get('location')!)), { page: PAGE, error: 'access_denied', code: null });
});

test('a provider that cannot be reached: the server starts, the login lands on the app page with provider_unavailable', async (t) => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const stand = await startStand(t, [], {}, () => [{ id: 'local', issuer: dead, ...CLIENT }]);
  const list = await stand.gatehouse.app.inject({ url: '/auth/federated/providers' });
  assert.deepEqual(list.json(), { providers: [{ id: 'local', name: 'local', type: 'oidc' }] });
  const res = await stand.gatehouse.app.inject({ url: `/auth/federated/local/start${startQuery(PAGE)}` });
  assert.equal(res.statusCode, 302);
  assert.deepEqual(errorOf(new URL(res.headers.location as string)), { page: PAGE, error: 'provider_unavailable', code: null });
  assert.equal(res.headers['set-cookie'], undefined);
  assertError(await exchange(stand, 'not-a-code'), 400, 'invalid_code');
});

test('each start stores a pending sign-in, so starts count toward the per-IP login limit (429 rate_limited)', async (t) => {
  const stand = await startStand(t, [], { RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  const start = () => stand.gatehouse.app.inject({ url: `/auth/federated/local/start${startQuery(PAGE)}` });
  assert.equal((await start()).statusCode, 302);
  assert.equal((await start()).statusCode, 302);
  const limited = await start();
  assertError(limited, 429, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
});
