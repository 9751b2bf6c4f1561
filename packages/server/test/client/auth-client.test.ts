// @gatehouse-auth/client against the real app over loopback HTTP: register, login by username or
// email, user(), logout in its three scopes, a password change, and its events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthClient, decodeClaims, memoryStorage, AuthClientError, type AuthClient } from '@gatehouse-auth/client';
import { PASSWORD, registerUser } from '../helpers.js';
import { startLiveApp, type LiveApp } from './live-app.js';

function clientFor(live: LiveApp, storage = memoryStorage()): AuthClient {
  return createAuthClient({ baseUrl: live.baseUrl, storage, now: () => live.clock.now() });
}

test('register stores the pair, answers the user and emits tokens', async (t) => {
  const live = await startLiveApp(t);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  const seen: string[] = [];
  client.on('tokens', (event) => seen.push(event.reason));

  const user = await client.register({ username: 'carol', email: 'carol@example.com', password: PASSWORD });
  assert.equal(user.username, 'carol');
  assert.deepEqual(seen, ['register']);
  const stored = await storage.load();
  assert.ok(stored?.accessToken && stored.refreshToken);
  assert.equal(stored.serverOffsetMs, 0, 'the client clock is the server clock here');
  assert.deepEqual(await client.user(), user);
});

test('logs in by username or by email, and user() answers GET /users/me', async (t) => {
  const live = await startLiveApp(t);
  const { username, email, userId } = await registerUser(live.app);
  const byName = clientFor(live);
  const info = await byName.login({ username, password: PASSWORD });
  assert.equal(info.claims.sub, userId);
  assert.equal(info.expiresAt.getTime(), live.clock.now() + 900_000);
  assert.equal((await byName.user())?.id, userId);

  const byEmail = clientFor(live);
  await byEmail.login({ email: email.toUpperCase(), password: PASSWORD });
  assert.equal((await byEmail.user())?.username, username);
  assert.equal(live.count('GET /users/me'), 2);
});

test('a refused login throws AuthClientError with the server code and stores nothing', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  await assert.rejects(client.login({ username, password: 'not the password' }), (error: unknown) => {
    assert.ok(error instanceof AuthClientError);
    assert.deepEqual({ status: error.status, code: error.code }, { status: 401, code: 'invalid_credentials' });
    return true;
  });
  assert.equal(await storage.load(), null);
  assert.equal(await client.user(), null, 'no session: user() is null without asking the server');
  assert.equal(live.count('GET /users/me'), 0);
});

test('logout ends the session on the server, clears storage and emits logout', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  const { accessToken } = await client.login({ username, password: PASSWORD });
  const reasons: string[] = [];
  client.on('logout', (event) => reasons.push(event.reason));

  await client.logout();
  assert.equal(await storage.load(), null);
  assert.deepEqual(reasons, ['logout']);
  const me = await fetch(`${live.baseUrl}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(me.status, 401);
  assert.equal(((await me.json()) as { code: string }).code, 'session_revoked');
});

test('local logout works with an expired access token (it sends the refresh token)', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  await client.login({ username, password: PASSWORD });
  const pair = (await storage.load())!;
  live.clock.advance(16 * 60_000);

  await client.logout();
  assert.equal(live.count('POST /auth/logout'), 1);
  assert.equal(live.count('POST /auth/refresh'), 0, 'no refresh just to log out');
  const refresh = await live.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: pair.accessToken, refresh_token: pair.refreshToken },
  });
  assert.equal(refresh.statusCode, 401);
  assert.equal(refresh.json().code, 'session_revoked');
});

test("logout('others') keeps this session and ends the user's other ones", async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const here = clientFor(live);
  const there = clientFor(live);
  await here.login({ username, password: PASSWORD });
  await there.login({ username, password: PASSWORD });

  await here.logout('others');
  assert.ok(await here.session(), 'this device keeps its tokens');
  assert.equal((await here.user())?.username, username);
  await assert.rejects(there.user(), (error: unknown) => {
    assert.ok(error instanceof AuthClientError);
    assert.deepEqual({ status: error.status, code: error.code }, { status: 401, code: 'session_revoked' });
    return true;
  });
  assert.equal(await there.session(), null, 'the other device found its session over and cleared it');
});

test("logout('global') ends every session, this one included", async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const here = clientFor(live);
  const there = clientFor(live);
  await here.login({ username, password: PASSWORD });
  const { accessToken } = await there.login({ username, password: PASSWORD });

  await here.logout('global');
  assert.equal(await here.session(), null);
  const me = await fetch(`${live.baseUrl}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(me.status, 401);
});

test('changePassword stores the pair of the new session and emits tokens; the old pair is dead', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  await client.login({ username, password: PASSWORD });
  const old = (await storage.load())!;
  const reasons: string[] = [];
  client.on('tokens', (event) => reasons.push(event.reason));

  const info = await client.changePassword({ current_password: PASSWORD, new_password: 'violet lantern over quiet harbor' });
  const stored = (await storage.load())!;
  assert.equal(info.accessToken, stored.accessToken);
  assert.notEqual(info.claims.sid, decodeClaims(old.accessToken)?.sid, 'a new session');
  assert.notEqual(stored.refreshToken, old.refreshToken);
  assert.deepEqual(reasons, ['password_changed']);
  assert.equal((await client.user())?.username, username, 'this client is still logged in');
  const refresh = await live.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: old.accessToken, refresh_token: old.refreshToken },
  });
  assert.deepEqual({ status: refresh.statusCode, code: refresh.json().code }, { status: 401, code: 'session_revoked' });
});

test('a refused password change throws AuthClientError with the server code and keeps the stored pair', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const storage = memoryStorage();
  const client = clientFor(live, storage);
  await client.login({ username, password: PASSWORD });
  const before = await storage.load();
  await assert.rejects(client.changePassword({ current_password: 'not the password', new_password: 'violet lantern over quiet harbor' }),
    (error: unknown) => {
      assert.ok(error instanceof AuthClientError);
      assert.deepEqual({ status: error.status, code: error.code }, { status: 403, code: 'invalid_current_password' });
      return true;
    });
  assert.deepEqual(await storage.load(), before);
  assert.equal((await client.user())?.username, username);
});

test('refuses a baseUrl that is not an absolute URL with a TypeError', () => {
  assert.throws(() => createAuthClient({ baseUrl: '/relative' }), TypeError);
});
