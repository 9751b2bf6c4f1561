// Removing unproven ways in (core/accounts/unproven-ways.ts) with the ways made as an intruder makes
// them: TOTP through its routes, a passkey with the software authenticator, an identity linked
// through the real OpenID Connect provider (the bound link flow); the mail through a real SMTP
// server. A reset removes what a stolen token added; proving an unverified address by a magic link
// removes what its squatter added, even after the squatter's own password sign-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { bearer, registerUser, type Pair } from '../helpers.js';
import { SmtpSink, type ReceivedMail } from '../mail/smtp-sink.js';
import { addPasskey, newAuthenticator, passkeySignIn, TEST_ORIGIN, TEST_RP_ID } from '../passkeys/passkey-flow.js';
import { enrolTotp } from '../http/routes/mfa/mfa-helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, atCallback, pkce, startStand, type Stand } from './harness.js';

const PAGE = `${APP_URL}/account`;

async function standWithMail(t: Parameters<typeof startStand>[0], who: ReturnType<typeof account>): Promise<{ stand: Stand; sink: SmtpSink }> {
  const sink = await SmtpSink.start();
  t.after(() => sink.stop());
  const stand = await startStand(t, [who], { SMTP_URL: sink.url, EMAIL_VERIFICATION: 'off', WEBAUTHN_RP_ID: TEST_RP_ID, WEBAUTHN_ORIGINS: TEST_ORIGIN });
  return { stand, sink };
}

/** The next mail to `to` with a link token (the notices before it have none). */
async function mailWithToken(sink: SmtpSink, to: string): Promise<ReceivedMail> {
  for (;;) {
    const mail = await sink.nextMail(to);
    if (mail.token) return mail;
  }
}

/** The whole link flow as `accessToken`'s session: answers that session's new access token. */
async function linkIdentity(stand: Stand, accessToken: string, who: ReturnType<typeof account>): Promise<string> {
  const app = pkce();
  const started = await stand.gatehouse.app.inject({
    method: 'POST', url: '/users/me/identities/local/start', headers: bearer(accessToken), payload: { redirect_to: PAGE, code_challenge: app.challenge },
  });
  assert.equal(started.statusCode, 200, started.body);
  const browser = new TestBrowser();
  const start = await browser.get(started.json().url);
  const back = new URL((await browser.get(await atCallback(stand, browser, new URL(start.headers.get('location')!), who))).headers.get('location')!);
  const done = await stand.gatehouse.app.inject({
    method: 'POST', url: '/users/me/identities/link', headers: bearer(accessToken), payload: { code: back.searchParams.get('link_code'), code_verifier: app.verifier },
  });
  assert.equal(done.statusCode, 200, done.body);
  return done.json().access_token as string;
}

/** A passkey, a linked identity and TOTP, each through its real flow, each proven as the rule asks. */
async function addEveryWay(stand: Stand, accessToken: string, who: ReturnType<typeof account>): Promise<string> {
  const { app, clock } = stand.gatehouse;
  clock.advance(1000); // after the owner's sign-in (the test clock stands still otherwise)
  const token = await linkIdentity(stand, accessToken, who);
  const key = newAuthenticator();
  await addPasskey(app, token, key, 'added');
  const withPasskey = await passkeySignIn(app, key); // the account has a passkey now: the next change needs it
  const { pair } = await enrolTotp(app, withPasskey, clock.now());
  assert.deepEqual(await waysOf(app, pair.access_token), { totp: true, passkeys: 1, identities: 1 }, 'every way is in before the remedy');
  return pair.access_token;
}

async function waysOf(app: FastifyInstance, accessToken: string) {
  const get = async (url: string) => (await app.inject({ url, headers: bearer(accessToken) })).json();
  return {
    totp: (await get('/users/me/mfa')).totp?.confirmed === true,
    passkeys: (await get('/users/me/passkeys')).passkeys.length as number,
    identities: (await get('/users/me/identities')).identities.length as number,
  };
}

async function passwordLogin(app: FastifyInstance, username: string, password: string): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
  assert.equal(res.statusCode, 200, `${res.statusCode} ${res.body}`); // no mfa_required: no TOTP is left
  return res.json() as Pair;
}

test('a password reset removes the TOTP, passkey and identity a stolen token added through their real flows', async (t) => {
  const thief = account();
  const { stand, sink } = await standWithMail(t, thief);
  const { app, clock } = stand.gatehouse;
  const owner = await registerUser(app);
  await stand.markEmailVerified(owner.userId);
  await addEveryWay(stand, owner.tokens.access_token, thief); // the stolen token, fresh enough for the proof
  clock.advance(60_000);
  assert.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: owner.email } })).statusCode, 202);
  const reset = await mailWithToken(sink, owner.email);
  const done = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: 'the owner\'s new passphrase 9' } });
  assert.equal(done.statusCode, 204, done.body);
  const pair = await passwordLogin(app, owner.username, 'the owner\'s new passphrase 9');
  assert.deepEqual(await waysOf(app, pair.access_token), { totp: false, passkeys: 0, identities: 0 });
  await stand.gatehouse.auditWriter?.flush();
  const activity = (await app.inject({ url: '/users/me/activity?limit=100', headers: bearer(pair.access_token) })).json().events as Array<{ type: string; data: Record<string, unknown> }>;
  const removed = activity.filter((event) => event.type === 'unproven_ways_removed').map(({ data }) => [data.totp, data.passkeys, data.identities]);
  assert.deepEqual(removed, [[true, 1, 1]]);
});

test('proving an unverified address by a magic link removes the passkey, identity and TOTP its squatter added, after the squatter\'s own sign-ins', async (t) => {
  const squatterAtProvider = account();
  const { stand, sink } = await standWithMail(t, squatterAtProvider);
  const { app, clock } = stand.gatehouse;
  const squatter = await registerUser(app); // the victim's address, never proven
  await addEveryWay(stand, squatter.tokens.access_token, squatterAtProvider);
  clock.advance(60_000);
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: squatter.username, password: squatter.password } });
  assert.equal(login.statusCode, 403, 'the squatter\'s own sign-in asks for the TOTP they set up');
  clock.advance(60_000);
  assert.equal((await app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email: squatter.email } })).statusCode, 202);
  const link = await mailWithToken(sink, squatter.email);
  const proved = await app.inject({ method: 'POST', url: '/auth/magic-link/verify', payload: { token: link.token } });
  assert.equal(proved.statusCode, 200, `no second factor is asked: the squatter's TOTP is gone (${proved.body})`);
  assert.deepEqual(await waysOf(app, proved.json().access_token), { totp: false, passkeys: 0, identities: 0 });
});

/** A passkey and a linked identity, through their real flows, as `accessToken` (a stolen one). */
async function addPasskeyAndIdentity(stand: Stand, accessToken: string, who: ReturnType<typeof account>) {
  stand.gatehouse.clock.advance(1000);
  const token = await linkIdentity(stand, accessToken, who);
  const key = newAuthenticator();
  await addPasskey(stand.gatehouse.app, token, key, 'added');
  return key;
}

test('"log out everywhere" from the owner\'s sign-in after the intrusion removes the passkey and identity added before it', async (t) => {
  const thief = account();
  const { stand } = await standWithMail(t, thief);
  const { app, clock } = stand.gatehouse;
  const owner = await registerUser(app);
  await addPasskeyAndIdentity(stand, owner.tokens.access_token, thief);
  clock.advance(60_000);
  const signedIn = await passwordLogin(app, owner.username, owner.password); // the owner signs in, sees a strange passkey
  assert.deepEqual(await waysOf(app, signedIn.access_token), { totp: false, passkeys: 1, identities: 1 });
  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(signedIn.access_token), payload: { scope: 'global' } });
  assert.ok(out.statusCode < 300, out.body);
  const again = await passwordLogin(app, owner.username, owner.password);
  assert.deepEqual(await waysOf(app, again.access_token), { totp: false, passkeys: 0, identities: 0 });
});

test('a password change removes an identity a stolen token linked', async (t) => {
  const thief = account();
  const { stand } = await standWithMail(t, thief);
  const { app, clock } = stand.gatehouse;
  const owner = await registerUser(app);
  clock.advance(1000);
  await linkIdentity(stand, owner.tokens.access_token, thief);
  clock.advance(60_000);
  const signedIn = await passwordLogin(app, owner.username, owner.password);
  const changed = await app.inject({
    method: 'POST', url: '/users/me/password', headers: bearer(signedIn.access_token),
    payload: { current_password: owner.password, new_password: 'the owner\'s passphrase 11' },
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual(await waysOf(app, changed.json().access_token), { totp: false, passkeys: 0, identities: 0 });
});

test('what the owner added and then signed in after with a trusted way survives a reset', async (t) => {
  const who = account();
  const { stand, sink } = await standWithMail(t, who);
  const { app, clock } = stand.gatehouse;
  const owner = await registerUser(app);
  await stand.markEmailVerified(owner.userId); // on an address nobody proved, a reset removes everything
  const key = await addPasskeyAndIdentity(stand, owner.tokens.access_token, who); // the owner's own, this time
  clock.advance(60_000);
  await passwordLogin(app, owner.username, owner.password); // a trusted way: the passkey and identity are the owner's now
  clock.advance(60_000);
  assert.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: owner.email } })).statusCode, 202);
  const reset = await mailWithToken(sink, owner.email);
  assert.equal((await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: 'the owner\'s new passphrase 9' } })).statusCode, 204);
  const pair = await passwordLogin(app, owner.username, 'the owner\'s new passphrase 9');
  assert.deepEqual(await waysOf(app, pair.access_token), { totp: false, passkeys: 1, identities: 1 });
  assert.ok(await passkeySignIn(app, key), 'the owner\'s passkey still signs in');
});

test('a sign-in with a passkey added since the last proven sign-in proves nothing: the owner stays proven where they were', async (t) => {
  const thief = account();
  const { stand } = await standWithMail(t, thief);
  const { app, clock, stores } = stand.gatehouse;
  const owner = await registerUser(app);
  const key = await addPasskeyAndIdentity(stand, owner.tokens.access_token, thief);
  clock.advance(60_000);
  const before = (await stores.users.findById(owner.userId))!.ownerProvenAt;
  await passkeySignIn(app, key);
  assert.deepEqual((await stores.users.findById(owner.userId))!.ownerProvenAt, before);
  await passwordLogin(app, owner.username, owner.password);
  assert.deepEqual((await stores.users.findById(owner.userId))!.ownerProvenAt, new Date(clock.now()), 'a password proves the owner');
});
