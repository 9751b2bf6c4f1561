// The linking rules (docs/federation.md) against a real OpenID Connect provider: an account with the
// provider's email is linked only when both sides verified it, otherwise account_exists; sign-ups can
// be turned off; a logged-in user links and unlinks identities, and always keeps a way to log in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, me, refresh, registerUser, type Pair } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { SmtpSink } from '../mail/smtp-sink.js';
import { addPasskey, newAuthenticator, passkeySignIn, TEST_ORIGIN, TEST_RP_ID } from '../passkeys/passkey-flow.js';
import { account, APP_URL, atCallback, CLIENT, exchange, pkce, signIn, startStand, type Stand } from './harness.js';

const PAGE = `${APP_URL}/account`;
const outcome = (url: URL) => Object.fromEntries(url.searchParams);

async function tokensOf(stand: Stand, landed: URL) {
  const res = await exchange(stand, landed.searchParams.get('code')!);
  assert.equal(res.statusCode, 200, `${landed.href}: ${res.body}`);
  return res.json() as { access_token: string };
}

/**
 * POST /users/me/identities/:provider/start, the browser opens the URL and comes back to PAGE with a
 * link_code, which the asking session completes with its verifier: `linked` (and the caller's new
 * pair) or `error`, from the page or the completion.
 */
async function link(stand: Stand, browser: TestBrowser, accessToken: string, who: ReturnType<typeof account>, provider = 'local'): Promise<Record<string, string>> {
  const app = pkce();
  const started = await stand.gatehouse.app.inject({
    method: 'POST', url: `/users/me/identities/${provider}/start`, headers: bearer(accessToken), payload: { redirect_to: PAGE, code_challenge: app.challenge },
  });
  assert.equal(started.statusCode, 200, started.body);
  const url = new URL(started.json().url);
  assert.equal(url.origin + url.pathname, `${stand.baseUrl}/auth/federated/${provider}/start`);
  const start = await browser.get(url);
  const callback = await atCallback(stand, browser, new URL(start.headers.get('location')!), who, provider);
  const back = new URL((await browser.get(callback)).headers.get('location')!);
  const code = back.searchParams.get('link_code');
  if (code === null) return outcome(back);
  const done = await stand.gatehouse.app.inject({
    method: 'POST', url: '/users/me/identities/link', headers: bearer(accessToken), payload: { code, code_verifier: app.verifier },
  });
  return done.statusCode === 200 ? done.json() : { error: done.json().code };
}

const linked = (result: Record<string, string>) => ({ linked: result.linked, error: result.error });

const list = async (stand: Stand, accessToken: string) =>
  (await stand.gatehouse.app.inject({ url: '/users/me/identities', headers: bearer(accessToken) })).json().identities as Array<Record<string, unknown>>;

test('an account with the same email is linked only when the provider and the account both verified it', async (t) => {
  const verified = account();
  const unverifiedAtProvider = account({ email_verified: false });
  const stand = await startStand(t, [verified, unverifiedAtProvider]);
  const owner = await registerUser(stand.gatehouse.app, { email: verified.email });
  const other = await registerUser(stand.gatehouse.app, { email: unverifiedAtProvider.email });

  // the account has not verified its address: no link, whatever the provider says
  assert.deepEqual(outcome(await signIn(stand, new TestBrowser(), verified, { redirectTo: PAGE })), { error: 'account_exists' });
  await stand.markEmailVerified(owner.userId);
  await stand.markEmailVerified(other.userId);
  // the provider has not verified it: no link
  assert.deepEqual(outcome(await signIn(stand, new TestBrowser(), unverifiedAtProvider, { redirectTo: PAGE })), { error: 'account_exists' });
  // both have: the login is the owner's, and the identity is linked from now on
  const pair = await tokensOf(stand, await signIn(stand, new TestBrowser(), verified, { redirectTo: PAGE }));
  assert.equal((await me(stand.gatehouse.app, pair.access_token)).json().id, owner.userId);
  assert.deepEqual((await list(stand, owner.tokens.access_token)).map((identity) => [identity.provider, identity.email, identity.email_verified]),
    [['local', verified.email, true]]);
});

test('with FEDERATION_SIGNUP=false an unknown identity answers signup_disabled; a linked one still signs in', async (t) => {
  const stranger = account();
  const member = account();
  const stand = await startStand(t, [stranger, member], { FEDERATION_SIGNUP: 'false' });
  assert.deepEqual(outcome(await signIn(stand, new TestBrowser(), stranger, { redirectTo: PAGE })), { error: 'signup_disabled' });
  const user = await registerUser(stand.gatehouse.app);
  assert.deepEqual(linked(await link(stand, new TestBrowser(), user.tokens.access_token, member)), { linked: 'local', error: undefined });
  const pair = await tokensOf(stand, await signIn(stand, new TestBrowser(), member, { redirectTo: PAGE }));
  assert.equal((await me(stand.gatehouse.app, pair.access_token)).json().id, user.userId);
});

test('a logged-in user links an identity from the account page; one linked to another account answers identity_taken', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const user = await registerUser(stand.gatehouse.app);
  const browser = new TestBrowser();
  const done = await link(stand, browser, user.tokens.access_token, who);
  assert.deepEqual(linked(done), { linked: 'local', error: undefined });
  const token = done.access_token!; // the asking session's new pair: the link ended every session
  const [identity] = await list(stand, token);
  assert.deepEqual(Object.keys(identity!).sort(), ['created_at', 'email', 'email_verified', 'id', 'last_used_at', 'provider']);
  assert.equal(identity!.provider, 'local');

  const second = await registerUser(stand.gatehouse.app);
  assert.deepEqual(linked(await link(stand, new TestBrowser(), second.tokens.access_token, who)), { error: 'identity_taken', linked: undefined });
  assert.deepEqual(await list(stand, second.tokens.access_token), []);

  const reused = await stand.gatehouse.app.inject({ method: 'POST', url: '/users/me/identities/local/start', headers: bearer(token), payload: { redirect_to: 'https://evil.example/', code_challenge: pkce().challenge } });
  assertError(reused, 400, 'invalid_redirect');
  assertError(await stand.gatehouse.app.inject({ method: 'POST', url: '/users/me/identities/local/start', payload: {} }), 401, 'missing_token');
  const once = await stand.gatehouse.app.inject({ method: 'POST', url: '/users/me/identities/local/start', headers: bearer(token), payload: { code_challenge: pkce().challenge } });
  const url = new URL(once.json().url);
  assert.equal((await browser.get(url)).status, 302);
  assertError(await stand.gatehouse.app.inject({ url: url.pathname + url.search }), 400, 'invalid_state');
});

test('unlinking never removes the last way to log in; an account made by a provider has no password that can match', async (t) => {
  const who = account();
  const third = account();
  const stand = await startStand(t, [who, third], {}, (issuer) => [
    { id: 'local', issuer, ...CLIENT }, { id: 'other', name: 'Other IdP', issuer, ...CLIENT },
  ]);
  const browser = new TestBrowser();
  const pair = await tokensOf(stand, await signIn(stand, browser, who, { redirectTo: PAGE }));
  const user = (await me(stand.gatehouse.app, pair.access_token)).json();
  for (const password of ['!no-password', '', 'provider password 1']) {
    const login = await stand.gatehouse.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: password || 'x' } });
    assertError(login, 401, 'invalid_credentials');
  }
  const [only] = await list(stand, pair.access_token);
  let token = pair.access_token;
  const unlink = (id: unknown) => stand.gatehouse.app.inject({ method: 'DELETE', url: `/users/me/identities/${id}`, headers: bearer(token) });
  assertError(await unlink(only!.id), 409, 'last_login_method');

  const other = await link(stand, browser, pair.access_token, who, 'other');
  assert.deepEqual(linked(other), { linked: 'other', error: undefined });
  token = other.access_token!;
  const both = await list(stand, token);
  assert.deepEqual(both.map((identity) => identity.provider), ['local', 'other']);
  const unlinked = await unlink(only!.id);
  assert.equal(unlinked.statusCode, 200, unlinked.body);
  token = unlinked.json().access_token; // the caller's new session: every other one ended
  assertError(await unlink(only!.id), 404, 'identity_not_found');
  assertError(await unlink(both[1]!.id), 409, 'last_login_method');

  const withPassword = await registerUser(stand.gatehouse.app);
  let theirs = bearer(withPassword.tokens.access_token);
  assertError(await stand.gatehouse.app.inject({ method: 'DELETE', url: `/users/me/identities/${both[1]!.id}`, headers: theirs }), 404, 'identity_not_found');
  const third_ = await link(stand, new TestBrowser(), withPassword.tokens.access_token, third);
  assert.deepEqual(linked(third_), { linked: 'local', error: undefined });
  theirs = bearer(third_.access_token!);
  const [own] = await list(stand, third_.access_token!);
  // a password is a way to log in: the only identity may go
  assert.equal((await stand.gatehouse.app.inject({ method: 'DELETE', url: `/users/me/identities/${own!.id}`, headers: theirs })).statusCode, 200);
});

test('a passkey is a way to log in: beside one, the only identity may go, and then the passkey stays', async (t) => {
  const who = account();
  const stand = await startStand(t, [who], { WEBAUTHN_RP_ID: TEST_RP_ID, WEBAUTHN_ORIGINS: TEST_ORIGIN });
  const pair = await tokensOf(stand, await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE }));
  const [only] = await list(stand, pair.access_token);
  let token = pair.access_token;
  const unlink = () => stand.gatehouse.app.inject({ method: 'DELETE', url: `/users/me/identities/${only!.id}`, headers: bearer(token) });
  assertError(await unlink(), 409, 'last_login_method');
  const key = newAuthenticator();
  const passkey = await addPasskey(stand.gatehouse.app, pair.access_token, key, 'Phone');
  token = await passkeySignIn(stand.gatehouse.app, key); // the account has a passkey now: changes need a sign-in with it
  const unlinked = await unlink();
  assert.equal(unlinked.statusCode, 200, unlinked.body);
  const remove = await stand.gatehouse.app.inject({ method: 'DELETE', url: `/users/me/passkeys/${passkey.id}`, headers: bearer(unlinked.json().access_token) });
  assertError(remove, 409, 'last_login_method');
});

test('linking follows the rule for changing a way in: an old sign-in cannot start a link; a made link ends the other sessions, the asking one stays', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const { app, clock } = stand.gatehouse;
  const user = await registerUser(app);
  const other = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })).json() as Pair;
  clock.advance(11 * 60_000); // past REAUTH_MAX_AGE (10 min), the access token still valid: what a thief holds
  assertError(await app.inject({
    method: 'POST', url: '/users/me/identities/local/start', headers: bearer(user.tokens.access_token), payload: { redirect_to: PAGE, code_challenge: pkce().challenge },
  }), 403, 'reauthentication_required');
  const fresh = await app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(user.tokens.access_token), payload: { password: user.password } });
  assert.equal(fresh.statusCode, 200, fresh.body);
  const done = await link(stand, new TestBrowser(), fresh.json().access_token, who);
  assert.deepEqual(linked(done), { linked: 'local', error: undefined });
  assertError(await refresh(app, other), 401, 'session_revoked');
  assert.equal((await me(app, done.access_token!)).statusCode, 200, 'the session that asked goes on with the new pair the completion answered');
});

test('an identity linked automatically by a verified address mails the owner a security notice (real SMTP) and is audited', async (t) => {
  const sink = await SmtpSink.start();
  t.after(() => sink.stop());
  const verified = account();
  const stand = await startStand(t, [verified], { SMTP_URL: sink.url, EMAIL_VERIFICATION: 'off' });
  const owner = await registerUser(stand.gatehouse.app, { email: verified.email });
  await stand.markEmailVerified(owner.userId);
  const pair = await tokensOf(stand, await signIn(stand, new TestBrowser(), verified, { redirectTo: PAGE }));
  assert.equal((await me(stand.gatehouse.app, pair.access_token)).json().id, owner.userId);
  const notice = await sink.nextMail(verified.email);
  assert.match(notice.text, /linked to this account automatically/);
  assert.doesNotMatch(notice.text, /signed out, and pending links/, "nothing was ended: the notice must not say so");
  assert.match(notice.text, /Local IdP/);
  await stand.gatehouse.auditWriter?.flush();
  const activity = await stand.gatehouse.app.inject({ url: '/users/me/activity?limit=50', headers: bearer(pair.access_token) });
  const changes = (activity.json().events as Array<Record<string, unknown>>).filter((event) => event.type === 'credential_changed');
  assert.equal(changes.length, 1, activity.body);
  assert.match(JSON.stringify(changes[0]), /identity_linked_automatically/);
  // the identity is known now: signing in again links nothing and mails nothing more
  await tokensOf(stand, await signIn(stand, new TestBrowser(), verified, { redirectTo: PAGE }));
  await assert.rejects(sink.nextMail(verified.email, 1_500), /no mail/);
});
