// POST /auth/reauthenticate and the re-authentication guard: a new session whose auth_time is now;
// the password change without current_password needs a recent sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, me, refresh, registerUser } from '../../../helpers.js';
import { codeAt, enrolTotp } from './mfa-helpers.js';

test('re-authenticating with the password answers the pair of a new session, auth_time now; the old session ends', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  h.clock.advance(3_600_000);
  const old = (await refresh(h.app, user.tokens)).json();
  const res = await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(old.access_token), payload: { password: user.password } });
  assert.equal(res.statusCode, 200, res.body);
  const claims = decodeJwt(res.json().access_token);
  assert.deepEqual([claims.amr, claims.auth_time], [['pwd'], Math.floor(h.clock.now() / 1000)]);
  assert.notEqual(claims.sid, decodeJwt(old.access_token).sid);
  assertError(await me(h.app, old.access_token), 401, 'session_revoked');
  assert.equal((await me(h.app, res.json().access_token)).statusCode, 200);
});

test('re-authenticating with a TOTP code: amr states the code alone; the password is not enough on this account; a wrong proof changes nothing', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const { secret, pair } = await enrolTotp(h.app, user.tokens.access_token, h.clock.now());
  h.clock.advance(30_000);
  const auth = bearer(pair.access_token);
  assertError(await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: auth, payload: { password: user.password } }), 403,
    'stronger_reauthentication_required');
  const wrongCode = codeAt(secret, h.clock.now(), 3);
  assertError(await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: auth, payload: { code: wrongCode } }), 403, 'invalid_mfa_code');
  assertError(await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: auth, payload: { password: user.password, code: '123456' } }), 400, 'validation_failed');
  const res = await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: auth, payload: { code: codeAt(secret, h.clock.now()) } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(decodeJwt(res.json().access_token).amr, ['otp']);
});

test('a password change without current_password: 403 reauthentication_required when the sign-in is old, 200 when recent', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const change = (token: string) => h.app.inject({
    method: 'POST', url: '/users/me/password', headers: bearer(token), payload: { new_password: 'another fine passphrase 7' },
  });
  h.clock.advance(10 * 60_000 + 1000);
  const old = (await refresh(h.app, user.tokens)).json();
  assertError(await change(old.access_token), 403, 'reauthentication_required');
  const renewed = await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(old.access_token), payload: { password: user.password } });
  const res = await change(renewed.json().access_token);
  assert.equal(res.statusCode, 200, res.body);
  const login = await h.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'another fine passphrase 7' } });
  assert.equal(login.statusCode, 200);
});
