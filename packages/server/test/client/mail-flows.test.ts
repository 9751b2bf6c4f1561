// @gatehouse-auth/client's mail-flow calls against the real app over loopback, the mail going to a
// real SMTP server (test/mail/smtp-sink.ts): each test takes the mailed link's token or code, as
// the page the link opens would, and hands it to the client.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthClient, memoryStorage, AuthClientError, type AuthClient, type TokenStorage } from '@gatehouse-auth/client';
import { PASSWORD, refresh, registerUser } from '../helpers.js';
import { SmtpSink } from '../mail/smtp-sink.js';
import { startLiveApp, type LiveApp } from './live-app.js';

const NEW_PASSWORD = 'a brand new passphrase 42';
let sink: SmtpSink;
before(async () => {
  sink = await SmtpSink.start();
});
after(() => sink.stop());

function liveApp(t: TestContext, env: Record<string, string> = {}): Promise<LiveApp> {
  return startLiveApp(t, { EMAIL_VERIFICATION: 'off', SMTP_URL: sink.url, ...env });
}

function clientFor(live: LiveApp, storage: TokenStorage = memoryStorage()): AuthClient {
  return createAuthClient({ baseUrl: live.baseUrl, storage, now: () => live.clock.now() });
}

/** A user registered through the API (its first pair kept apart) and a client logged in as them. */
async function loggedIn(live: LiveApp) {
  const user = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  await client.login({ email: user.email, password: PASSWORD });
  const events: string[] = [];
  client.on('tokens', (event) => events.push(`tokens:${event.reason}`));
  client.on('logout', (event) => events.push(`logout:${event.reason}`));
  return { user, storage, client, events };
}

async function refused(promise: Promise<unknown>, status: number, code: string): Promise<AuthClientError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return error instanceof AuthClientError;
  });
  const error = caught as AuthClientError;
  assert.deepEqual({ status: error.status, code: error.code }, { status, code }, error.message);
  return error;
}

function publicUser(live: LiveApp, fields: { id: string; username: string; email: string; email_verified: boolean; full_name?: string | null }) {
  return { full_name: null, role: 'user', disabled: false, created_at: new Date(live.clock.now()).toISOString(), ...fields };
}

test('register under EMAIL_VERIFICATION=required rejects with email_not_verified (202) and stores nothing; verifyEmail finishes it', async (t) => {
  const live = await liveApp(t, { EMAIL_VERIFICATION: 'required' });
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  const seen: string[] = [];
  client.on('tokens', (event) => seen.push(event.reason));
  const email = `pending_${process.pid}@example.com`;

  const error = await refused(client.register({ username: `pending_${process.pid}`, email, password: PASSWORD }), 202, 'email_not_verified');
  assert.equal(error.message, 'Check your inbox: follow the link we sent to finish.');
  assert.equal(await storage.load(), null);
  assert.deepEqual(seen, []);
  await refused(client.login({ email, password: PASSWORD }), 403, 'email_not_verified');

  const mail = await sink.nextMail(email);
  const user = await client.verifyEmail({ token: mail.token! });
  assert.deepEqual(user, publicUser(live, { id: user.id, username: `pending_${process.pid}`, email, email_verified: true }));
  assert.equal((await live.stores.users.findById(user.id))?.email, email);
  await client.login({ email, password: PASSWORD });
  assert.deepEqual(seen, ['login']);
  await refused(client.verifyEmail({ token: mail.token! }), 400, 'link_invalid');
});

test('requestEmailVerification mails the signed-in user a link that supersedes the first; verifyEmail proves the address', async (t) => {
  const live = await liveApp(t, { EMAIL_VERIFICATION: 'optional' });
  const { user, client } = await loggedIn(live);
  const first = await sink.nextMail(user.email); // registration's own link

  assert.equal(await client.requestEmailVerification(), undefined);
  const second = await sink.nextMail(user.email);
  await refused(client.verifyEmail({ token: first.token! }), 400, 'link_invalid');
  const verified = await client.verifyEmail({ token: second.token! });
  assert.deepEqual(verified, publicUser(live, { id: user.userId, username: user.username, email: user.email, email_verified: true }));
  assert.deepEqual(await client.user(), verified);
  await refused(client.requestEmailVerification(), 409, 'email_already_verified');
});

test('forgotPassword and resetPassword: a new password, every earlier session gone, then a login with it', async (t) => {
  const live = await liveApp(t);
  const { user, storage, client, events } = await loggedIn(live);
  const stranger = clientFor(live);

  assert.equal(await stranger.forgotPassword({ email: 'nobody-here@example.com' }), undefined);
  assert.equal(await stranger.forgotPassword({ email: user.email }), undefined);
  const mail = await sink.nextMail(user.email);
  assert.equal(await stranger.resetPassword({ token: mail.token!, new_password: NEW_PASSWORD }), undefined);
  assert.equal(await stranger.session(), null, 'a reset starts no session');

  assert.equal((await refresh(live.app, user.tokens)).statusCode, 401, 'the pair from registration is dead');
  await refused(client.user(), 401, 'session_revoked');
  assert.deepEqual(events, ['logout:refresh_failed'], 'the logged-in client found its session gone');
  assert.equal(await storage.load(), null);
  await refused(stranger.login({ email: user.email, password: PASSWORD }), 401, 'invalid_credentials');
  const session = await stranger.login({ email: user.email, password: NEW_PASSWORD });
  assert.equal(session.claims.sub, user.userId);
  await refused(stranger.resetPassword({ token: mail.token!, new_password: 'yet another passphrase 7' }), 400, 'link_invalid');
  assert.deepEqual(sink.mailsTo('nobody-here@example.com'), []);
});

test('verifyMagicLink logs in with the link\'s token or with the address and code, as login does', async (t) => {
  const live = await liveApp(t);
  const user = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  const seen: string[] = [];
  client.on('tokens', (event) => seen.push(event.reason));

  assert.equal(await client.requestMagicLink({ email: user.email }), undefined);
  const byLink = await sink.nextMail(user.email);
  const session = await client.verifyMagicLink({ token: byLink.token! });
  assert.equal(session.claims.sub, user.userId);
  assert.equal((await storage.load())?.accessToken, session.accessToken);
  assert.deepEqual(seen, ['login']);
  assert.equal((await client.user())?.email_verified, true, 'the link proved the address');
  await refused(client.verifyMagicLink({ token: byLink.token! }), 400, 'link_invalid');

  const other = clientFor(live);
  await other.requestMagicLink({ email: user.email });
  const byCode = await sink.nextMail(user.email);
  const wrong = byCode.code === '000000' ? '111111' : '000000';
  await refused(other.verifyMagicLink({ email: user.email, code: wrong }), 400, 'invalid_code');
  assert.equal((await other.verifyMagicLink({ email: user.email, code: byCode.code! })).claims.sub, user.userId);
  assert.notEqual((await other.session())?.claims.sid, session.claims.sid, 'a session of its own');
});

test('updateProfile answers the user with the new full name and username', async (t) => {
  const live = await liveApp(t);
  const { user, client } = await loggedIn(live);
  const other = await registerUser(live.app);

  const changed = await client.updateProfile({ full_name: 'Ada Lovelace', username: `ada_${process.pid}` });
  assert.deepEqual(changed, publicUser(live, {
    id: user.userId, username: `ada_${process.pid}`, email: user.email, email_verified: false, full_name: 'Ada Lovelace',
  }));
  assert.equal((await client.updateProfile({ full_name: null })).full_name, null);
  await refused(client.updateProfile({ username: other.username }), 409, 'username_taken');
});

test('changeEmail mails the new address (and tells the old one); confirmEmailChange makes it the account\'s', async (t) => {
  const live = await liveApp(t);
  const { user, client } = await loggedIn(live);
  const newEmail = `moved_${process.pid}@example.com`;

  await refused(client.changeEmail({ new_email: newEmail, current_password: 'not my password' }), 403, 'invalid_current_password');
  assert.equal(await client.changeEmail({ new_email: newEmail, current_password: PASSWORD }), undefined);
  const confirmation = await sink.nextMail(newEmail);
  const notice = await sink.nextMail(user.email);
  assert.match(notice.link ?? '', /\/cancel-email-change\?token=/, 'the notice to the old address carries its "this wasn\'t me" link');
  assert.equal((await client.user())?.email, user.email, 'nothing changes before the confirmation');

  const confirmed = await clientFor(live).confirmEmailChange({ token: confirmation.token! });
  assert.deepEqual(confirmed, publicUser(live, { id: user.userId, username: user.username, email: newEmail, email_verified: true }));
  assert.deepEqual(await client.user(), confirmed);
  await refused(client.confirmEmailChange({ token: confirmation.token! }), 400, 'link_invalid');
});

test('cancelEmailChange, the notice\'s "this wasn\'t me" link, cancels the pending change', async (t) => {
  const live = await liveApp(t);
  const { user, client } = await loggedIn(live);
  const newEmail = `intruder_${process.pid}@example.com`;
  await client.changeEmail({ new_email: newEmail, current_password: PASSWORD });
  const confirmation = await sink.nextMail(newEmail);
  const notice = await sink.nextMail(user.email);
  const cancelled = await clientFor(live).cancelEmailChange({ token: notice.token! });
  assert.equal(cancelled.email, user.email);
  await refused(clientFor(live).confirmEmailChange({ token: confirmation.token! }), 400, 'link_invalid');
  await refused(clientFor(live).cancelEmailChange({ token: notice.token! }), 400, 'link_invalid');
});

test('deleteAccount needs the password; then every session ends and this device forgets its pair', async (t) => {
  const live = await liveApp(t);
  const { user, storage, client, events } = await loggedIn(live);

  await refused(client.deleteAccount({ current_password: 'not my password' }), 403, 'invalid_current_password');
  assert.ok(await storage.load(), 'a refusal keeps the pair');
  assert.equal(await client.deleteAccount({ current_password: PASSWORD }), undefined);
  assert.equal(await storage.load(), null);
  assert.deepEqual(events, ['logout:account_deleted']);
  assert.equal(await client.session(), null);
  assert.equal((await refresh(live.app, user.tokens)).statusCode, 401, 'the other session ended too');
  assert.equal(await live.stores.users.findById(user.userId), null);
  assert.match((await sink.nextMail(user.email)).subject, /deleted/i);
});

test('exportAccount answers the profile, the active sessions, the factors, passkeys and identities', async (t) => {
  const live = await liveApp(t);
  const { user, client } = await loggedIn(live);
  const now = new Date(live.clock.now());
  const sessions = await live.stores.sessions.listActiveForUser(user.userId, now);
  assert.equal(sessions.length, 2, 'registration\'s and the client\'s');

  const exported = await client.exportAccount();
  assert.deepEqual({ ...exported, sessions: [...exported.sessions].sort((a, b) => a.id.localeCompare(b.id)) }, {
    exported_at: now.toISOString(),
    user: {
      ...publicUser(live, { id: user.userId, username: user.username, email: user.email, email_verified: false }),
      updated_at: now.toISOString(),
    },
    sessions: sessions.sort((a, b) => a.id.localeCompare(b.id)).map((s) => ({
      id: s.id, created_at: s.createdAt.toISOString(), last_used_at: s.lastUsedAt.toISOString(), expires_at: s.expiresAt.toISOString(),
      ip: s.ip, user_agent: s.userAgent,
    })),
    second_factors: { totp: null, recovery_codes_remaining: 0 },
    passkeys: [],
    identities: [],
  });
  await client.logout();
  await refused(client.exportAccount(), 401, 'missing_token');
});
