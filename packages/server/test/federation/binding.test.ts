// The federated artefacts work only for the app and session that asked (docs/federation.md, "The
// flow"; RFC 7636): the sign-in's one-time code is redeemed only with the code_verifier of the app
// that sent the start's S256 code_challenge (login CSRF: a code from the attacker's own sign-in
// fails in the victim's app), and a link URL opened by another browser links nothing: the link is
// made only when the session that asked for it completes it with its verifier (forced linking).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, registerUser, type Pair } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, atCallback, exchange, pkce, signIn, startQuery, startStand, type Stand } from './harness.js';

const PAGE = `${APP_URL}/account`;

const identitiesOf = async (stand: Stand, accessToken: string) =>
  ((await stand.gatehouse.app.inject({ url: '/users/me/identities', headers: bearer(accessToken) })).json().identities as Array<{ provider: string }>);

test('the one-time code is redeemed only with the verifier of the app that started the sign-in; a wrong one spends nothing', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const app = pkce();
  const landed = await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE, codeChallenge: app.challenge });
  const code = landed.searchParams.get('code')!;
  assert.ok(code, landed.href);
  assertError(await exchange(stand, code, null), 400, 'invalid_code_verifier');
  assertError(await exchange(stand, code, 'too-short'), 400, 'invalid_code_verifier');
  // another app's verifier (the victim's, when the attacker plants a code from their own sign-in): nothing
  assertError(await exchange(stand, code, pkce().verifier), 400, 'invalid_code');
  const pair = await exchange(stand, code, app.verifier);
  assert.equal(pair.statusCode, 200, pair.body);
  assertError(await exchange(stand, code, app.verifier), 400, 'invalid_code');
});

test('a start without an S256 code_challenge is refused with invalid_code_challenge, and stores nothing', async (t) => {
  const stand = await startStand(t, []);
  const start = (query: string) => stand.gatehouse.app.inject({ url: `/auth/federated/local/start${query}` });
  assertError(await start(startQuery(PAGE, null)), 400, 'invalid_code_challenge');
  assertError(await start(`${startQuery(PAGE, null)}&code_challenge=${'a'.repeat(10)}`), 400, 'invalid_code_challenge');
  const plain = pkce();
  assertError(await start(`${startQuery(PAGE, null)}&code_challenge=${plain.verifier}&code_challenge_method=plain`), 400, 'invalid_code_challenge');
  const user = await registerUser(stand.gatehouse.app);
  const link = await stand.gatehouse.app.inject({ method: 'POST', url: '/users/me/identities/local/start', headers: bearer(user.tokens.access_token), payload: { redirect_to: PAGE } });
  assertError(link, 400, 'invalid_code_challenge');
});

/** The account page asks for a link with `challenge`; answers the URL the browser is to open. */
async function askForLink(stand: Stand, accessToken: string, challenge: string): Promise<URL> {
  const res = await stand.gatehouse.app.inject({
    method: 'POST', url: '/users/me/identities/local/start', headers: bearer(accessToken), payload: { redirect_to: PAGE, code_challenge: challenge },
  });
  assert.equal(res.statusCode, 200, res.body);
  return new URL(res.json().url);
}

/** `browser` opens the link URL and goes through the provider as `who`: the page it lands on. */
async function openLink(stand: Stand, browser: TestBrowser, url: URL, who: ReturnType<typeof account>): Promise<URL> {
  const start = await browser.get(url);
  const back = await browser.get(await atCallback(stand, browser, new URL(start.headers.get('location')!), who));
  return new URL(back.headers.get('location')!);
}

const completeLink = (stand: Stand, accessToken: string, code: string, verifier: string) =>
  stand.gatehouse.app.inject({ method: 'POST', url: '/users/me/identities/link', headers: bearer(accessToken), payload: { code, code_verifier: verifier } });

test('a link URL opened in another browser links nothing: the victim\'s page cannot complete it, and then nobody can', async (t) => {
  const victimAtProvider = account();
  const stand = await startStand(t, [victimAtProvider]);
  const attacker = await registerUser(stand.gatehouse.app);
  const victim = await registerUser(stand.gatehouse.app);
  const theirs = pkce();
  const url = await askForLink(stand, attacker.tokens.access_token, theirs.challenge);
  // the attacker sends the URL to the victim, whose browser is signed in at the provider
  const landed = await openLink(stand, new TestBrowser(), url, victimAtProvider);
  assert.equal(landed.searchParams.get('linked'), null, `the provider's answer alone links nothing: ${landed.href}`);
  assert.deepEqual(await identitiesOf(stand, attacker.tokens.access_token), []);
  const code = landed.searchParams.get('link_code');
  assert.ok(code, landed.href);
  // the victim's page tries to complete it with the victim's session: refused, and the code is spent
  assertError(await completeLink(stand, victim.tokens.access_token, code, theirs.verifier), 400, 'invalid_code');
  assertError(await completeLink(stand, attacker.tokens.access_token, code, theirs.verifier), 400, 'invalid_code');
  assert.deepEqual(await identitiesOf(stand, attacker.tokens.access_token), []);
  assert.deepEqual(await identitiesOf(stand, victim.tokens.access_token), []);
});

test('a link is completed only by the session that asked for it, with its verifier', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const user = await registerUser(stand.gatehouse.app);
  const otherSession = (await stand.gatehouse.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })).json() as Pair;
  const asked = pkce();
  const browser = new TestBrowser();
  let code = (await openLink(stand, browser, await askForLink(stand, user.tokens.access_token, asked.challenge), who)).searchParams.get('link_code')!;
  // the account's other session, even holding the verifier: refused
  assertError(await completeLink(stand, otherSession.access_token, code, asked.verifier), 400, 'invalid_code');
  code = (await openLink(stand, browser, await askForLink(stand, user.tokens.access_token, asked.challenge), who)).searchParams.get('link_code')!;
  assertError(await completeLink(stand, user.tokens.access_token, code, pkce().verifier), 400, 'invalid_code_verifier');
  assert.deepEqual(await identitiesOf(stand, user.tokens.access_token), []);
  code = (await openLink(stand, browser, await askForLink(stand, user.tokens.access_token, asked.challenge), who)).searchParams.get('link_code')!;
  const done = await completeLink(stand, user.tokens.access_token, code, asked.verifier);
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual((await identitiesOf(stand, done.json().access_token)).map((identity) => identity.provider), ['local']);
});
