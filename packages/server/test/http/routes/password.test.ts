// POST /users/me/password: the current password, the policy of docs/architecture.md, "Users and
// passwords"; every session ends, the caller's included, and the caller gets the pair of a new one
// (docs/hardening.md, "Stolen token pairs"). The last tests run on every session backend.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type Pair, me, refresh } from '../../helpers.js';
import { sessionBackends } from '../session-backends.js';

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

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid;

/** A password change that must succeed: 200, no-store, exactly a token pair; answers the pair. */
async function changed(app: FastifyInstance, accessToken: string, newPassword = NEW_PASSWORD): Promise<Pair> {
  const res = await changePassword(app, accessToken, { current_password: PASSWORD, new_password: newPassword });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers.pragma, 'no-cache');
  const pair = res.json() as Pair;
  assert.deepEqual(pair, {
    access_token: pair.access_token, token_type: 'bearer', expires_in: 900, refresh_token: pair.refresh_token, refresh_expires_in: 604_800,
  });
  return pair;
}

async function assertDead(app: FastifyInstance, pair: Pair, label: string) {
  assert.deepEqual(failure(await me(app, pair.access_token)), { status: 401, code: 'session_revoked' }, `${label}: access token`);
  assert.deepEqual(failure(await refresh(app, pair)), { status: 401, code: 'session_revoked' }, `${label}: refresh token`);
}

test('changes the password: 200 with a new pair for a new session, and every session ends, the caller\'s included', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: current, username } = await registerUser(ctx.app);
  const other1 = await loginPair(ctx.app, username);
  const other2 = await loginPair(ctx.app, username);

  const fresh = await changed(ctx.app, current.access_token);
  assert.ok(![current, other1, other2].some((pair) => sidOf(pair.access_token) === sidOf(fresh.access_token)), 'a new session id');
  for (const [label, old] of [['the caller', current], ['other 1', other1], ['other 2', other2]] as const) await assertDead(ctx.app, old, label);

  assert.equal((await me(ctx.app, fresh.access_token)).statusCode, 200);
  const sessions = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(fresh.access_token) });
  assert.deepEqual((sessions.json() as { sessions: Array<{ id: string; current: boolean }> }).sessions.map((s) => [s.id, s.current]),
    [[sidOf(fresh.access_token), true]]);
  const rotated = await refresh(ctx.app, fresh);
  assert.equal(rotated.statusCode, 200, rotated.body);
  assert.equal((await me(ctx.app, (rotated.json() as Pair).access_token)).statusCode, 200);
});

test('a stolen copy of the caller\'s pair dies with the change, even inside the grace window of a refresh', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const p1 = (await refresh(ctx.app, p0)).json() as Pair; // the thief holds p0 and p1
  const fresh = await changed(ctx.app, p1.access_token);
  ctx.clock.advance(1_000);
  for (const [label, old] of [['p0', p0], ['p1', p1]] as const) await assertDead(ctx.app, old, label);
  assert.equal((await me(ctx.app, fresh.access_token)).statusCode, 200);
});

test('logs in with the new password only after a change', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, username, email } = await registerUser(ctx.app);

  await changed(ctx.app, tokens.access_token);

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

  // without current_password a recent sign-in stands in for it (mfa/reauthentication.test.ts)
  for (const payload of [{ current_password: PASSWORD }, {}, { current_password: PASSWORD, new_password: 12345678 }]) {
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

for (const backend of sessionBackends) {
  describe(`password change with sessions in ${backend.name}`, { skip: backend.skip }, () => {
    test('the old access and refresh tokens fail with session_revoked, the new pair works', async (t) => {
      const ctx = await backend.open();
      t.after(() => ctx.close());
      const { tokens: current, username } = await registerUser(ctx.app);
      const other = await loginPair(ctx.app, username);
      const fresh = await changed(ctx.app, current.access_token);
      for (const [label, old] of [['the caller', current], ['another session', other]] as const) await assertDead(ctx.app, old, label);
      assert.equal((await me(ctx.app, fresh.access_token)).statusCode, 200);
      const next = await refresh(ctx.app, fresh);
      assert.equal(next.statusCode, 200, next.body);
      assert.equal((await me(ctx.app, (next.json() as Pair).access_token)).statusCode, 200);
      assert.equal((await login(ctx.app, username, NEW_PASSWORD)).statusCode, 200);
    });
  });
}
