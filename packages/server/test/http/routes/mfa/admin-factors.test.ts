// The admin view of a user's factors and their reset: every factor goes, sessions and pending logins end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, registerUser } from '../../../helpers.js';
import { enrolTotp, passwordLogin, verifyMfa } from './mfa-helpers.js';

test('an admin sees a user\'s factors and resets them: the user\'s sessions and pending mfa_tokens end, and a password login works again', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const admin = await registerUser(h.app);
  await h.stores.users.update(admin.userId, { role: 'admin' }, new Date(h.clock.now()));
  const user = await registerUser(h.app);
  const { pair } = await enrolTotp(h.app, user.tokens.access_token, h.clock.now());
  user.tokens.access_token = pair.access_token; // the enrolment moved the user to a new session
  const pending = (await passwordLogin(h.app, user)).json().mfa_token;
  const auth = bearer(admin.tokens.access_token);
  const seen = await h.app.inject({ method: 'GET', url: `/admin/users/${user.userId}/mfa`, headers: auth });
  assert.deepEqual(seen.json(), { totp: { confirmed: true, created_at: new Date(h.clock.now()).toISOString() }, recovery_codes_remaining: 10 });
  assertError(await h.app.inject({ method: 'GET', url: `/admin/users/${user.userId}/mfa`, headers: bearer(user.tokens.access_token) }), 403, 'insufficient_role');
  const reset = await h.app.inject({ method: 'DELETE', url: `/admin/users/${user.userId}/mfa`, headers: auth });
  assert.deepEqual([reset.statusCode, reset.json()], [200, { revoked_sessions: 1 }]);
  assertError(await h.app.inject({ method: 'GET', url: '/users/me', headers: bearer(user.tokens.access_token) }), 401, 'session_revoked');
  assertError(await verifyMfa(h.app, pending, '123456'), 401, 'invalid_mfa_token');
  assert.equal((await passwordLogin(h.app, user)).statusCode, 200);
  assertError(await h.app.inject({ method: 'DELETE', url: '/admin/users/00000000-0000-0000-0000-000000000000/mfa', headers: auth }), 404, 'user_not_found');
});
