// amr and auth_time (RFC 8176, OpenID Connect Core §2) on access tokens: set when the session
// starts, kept by every refresh, renewed by a password change (the current password was proved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { bearer, createTestApp, refresh, registerUser } from '../../../helpers.js';

test('a password session\'s tokens carry amr ["pwd"] and auth_time; a refresh keeps both', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const started = Math.floor(h.clock.now() / 1000);
  const first = decodeJwt(user.tokens.access_token);
  assert.deepEqual([first.amr, first.auth_time], [['pwd'], started]);

  h.clock.advance(120_000);
  const login = await h.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  const loggedIn = decodeJwt(login.json().access_token);
  assert.deepEqual([loggedIn.amr, loggedIn.auth_time], [['pwd'], started + 120]);

  h.clock.advance(600_000);
  const res = await refresh(h.app, login.json());
  assert.equal(res.statusCode, 200);
  const refreshed = decodeJwt(res.json().access_token);
  assert.deepEqual([refreshed.amr, refreshed.auth_time, refreshed.iat], [['pwd'], started + 120, started + 720]);
});

test('a password change renews auth_time: the new session\'s tokens say when the current password was proved', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  h.clock.advance(3_600_000);
  const renewed = (await refresh(h.app, user.tokens)).json();
  const res = await h.app.inject({
    method: 'POST', url: '/users/me/password', headers: bearer(renewed.access_token),
    payload: { current_password: user.password, new_password: 'a brand new passphrase 42' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const claims = decodeJwt(res.json().access_token);
  assert.equal(decodeJwt(renewed.access_token).auth_time, Math.floor(h.clock.now() / 1000) - 3600, 'the refresh kept the first');
  assert.deepEqual([claims.amr, claims.auth_time], [['pwd'], Math.floor(h.clock.now() / 1000)]);
});
