// POST /users/me/password: a password change needs the current password, follows the policy of
// docs/architecture.md, "Users and passwords", and ends every other session while the caller's goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type Pair } from '../../helpers.js';

const NEW_PASSWORD = 'violet lantern over quiet harbor';

function changePassword(app: FastifyInstance, accessToken: string, payload: object) {
  return app.inject({ method: 'POST', url: '/users/me/password', headers: bearer(accessToken), payload });
}

function login(app: FastifyInstance, username: string, password: string) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
}

async function loginPair(app: FastifyInstance, username: string): Promise<Pair> {
  const res = await login(app, username, PASSWORD);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

function me(app: FastifyInstance, accessToken: string) {
  return app.inject({ method: 'GET', url: '/users/me', headers: bearer(accessToken) });
}

function refresh(app: FastifyInstance, pair: Pair) {
  return app.inject({
    method: 'POST', url: '/auth/refresh',
    payload: { access_token: pair.access_token, refresh_token: pair.refresh_token },
  });
}

test('changes the password: 204, other sessions revoked, the current one keeps working', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: current, username } = await registerUser(ctx.app);
  const other1 = await loginPair(ctx.app, username);
  const other2 = await loginPair(ctx.app, username);

  const res = await changePassword(ctx.app, current.access_token, { current_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(res.statusCode, 204, res.body);
  assert.equal(res.body, '');

  for (const other of [other1, other2]) {
    assert.deepEqual(failure(await me(ctx.app, other.access_token)), { status: 401, code: 'session_revoked' });
    assert.deepEqual(failure(await refresh(ctx.app, other)), { status: 401, code: 'session_revoked' });
  }
  assert.equal((await me(ctx.app, current.access_token)).statusCode, 200);
  const rotated = await refresh(ctx.app, current);
  assert.equal(rotated.statusCode, 200, rotated.body);
  assert.equal((await me(ctx.app, (rotated.json() as Pair).access_token)).statusCode, 200);
});

test('logs in with the new password only after a change', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, username, email } = await registerUser(ctx.app);

  const res = await changePassword(ctx.app, tokens.access_token, { current_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(res.statusCode, 204, res.body);

  assert.deepEqual(failure(await login(ctx.app, username, PASSWORD)), { status: 401, code: 'invalid_credentials' });
  const byEmail = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } });
  assert.deepEqual(failure(byEmail), { status: 401, code: 'invalid_credentials' });
  assert.equal((await login(ctx.app, username, NEW_PASSWORD)).statusCode, 200);
});

test('refuses a wrong current password with 403 invalid_current_password and changes nothing', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, username } = await registerUser(ctx.app);
  const other = await loginPair(ctx.app, username);

  const res = await changePassword(ctx.app, tokens.access_token, { current_password: 'not the password at all', new_password: NEW_PASSWORD });
  assert.deepEqual(failure(res), { status: 403, code: 'invalid_current_password' });

  assert.equal((await me(ctx.app, other.access_token)).statusCode, 200, 'other sessions live on');
  assert.deepEqual(failure(await login(ctx.app, username, NEW_PASSWORD)), { status: 401, code: 'invalid_credentials' });
  assert.equal((await login(ctx.app, username, PASSWORD)).statusCode, 200);
});

test('refuses a weak new password with its policy code and changes nothing', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, username } = await registerUser(ctx.app);
  const other = await loginPair(ctx.app, username);

  const cases: Array<[string, string]> = [
    ['password123', 'password_too_common'],
    ['iloveyou', 'password_too_common'],
    ['short', 'password_too_short'],
    ['', 'password_too_short'],
    ['x'.repeat(129), 'password_too_long'],
    [username, 'password_contains_identity'],
  ];
  for (const [newPassword, code] of cases) {
    const res = await changePassword(ctx.app, tokens.access_token, { current_password: PASSWORD, new_password: newPassword });
    assert.deepEqual(failure(res), { status: 400, code }, newPassword);
  }
  assert.equal((await me(ctx.app, other.access_token)).statusCode, 200, 'other sessions live on');
  assert.equal((await login(ctx.app, username, PASSWORD)).statusCode, 200);
});

test('answers 400 validation_failed when a field is missing', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  for (const payload of [{ current_password: PASSWORD }, { new_password: NEW_PASSWORD }, {}, { current_password: PASSWORD, new_password: 12345678 }]) {
    const res = await changePassword(ctx.app, tokens.access_token, payload);
    assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' }, JSON.stringify(payload));
  }
});

test('refuses a password change without a live session', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);
  const body = { current_password: PASSWORD, new_password: NEW_PASSWORD };

  const anonymous = await ctx.app.inject({ method: 'POST', url: '/users/me/password', payload: body });
  assert.deepEqual(failure(anonymous), { status: 401, code: 'missing_token' });

  const out = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
  assert.equal(out.statusCode, 204);
  assert.deepEqual(failure(await changePassword(ctx.app, tokens.access_token, body)), { status: 401, code: 'session_revoked' });
});
