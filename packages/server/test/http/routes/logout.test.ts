// POST /auth/logout: scope local (default), others and global; by bearer or by refresh token;
// idempotent; refused without any token or with an unknown scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type Pair, me, refresh } from '../../helpers.js';

function logout(app: FastifyInstance, options: { accessToken?: string; payload?: object; query?: string } = {}) {
  return app.inject({
    method: 'POST',
    url: `/auth/logout${options.query ?? ''}`,
    headers: options.accessToken ? bearer(options.accessToken) : {},
    ...(options.payload ? { payload: options.payload } : {}),
  });
}

async function login(app: FastifyInstance, username: string): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

/** A user with three sessions: the register one and two logins. */
async function userWithThreeSessions(app: FastifyInstance) {
  const user = await registerUser(app);
  const sessions = [user.tokens, await login(app, user.username), await login(app, user.username)];
  return { ...user, sessions };
}

async function assertLive(app: FastifyInstance, pair: Pair, label: string) {
  assert.equal((await me(app, pair.access_token)).statusCode, 200, `${label}: access token works`);
}

async function assertDead(app: FastifyInstance, pair: Pair, label: string) {
  assert.deepEqual(failure(await me(app, pair.access_token)), { status: 401, code: 'session_revoked' }, `${label}: access token`);
  assert.deepEqual(failure(await refresh(app, pair)), { status: 401, code: 'session_revoked' }, `${label}: refresh token`);
}

test('logs out only the current session by default', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions: [s1, s2] } = await userWithThreeSessions(ctx.app);

  const res = await logout(ctx.app, { accessToken: s1!.access_token });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  await assertDead(ctx.app, s1!, 'logged-out session');
  await assertLive(ctx.app, s2!, 'another session');
});

test('answers 204 again when the same session logs out twice', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  assert.equal((await logout(ctx.app, { accessToken: tokens.access_token })).statusCode, 204);
  assert.equal((await logout(ctx.app, { accessToken: tokens.access_token })).statusCode, 204);
  assert.equal((await logout(ctx.app, { payload: { refresh_token: tokens.refresh_token } })).statusCode, 204);
  await assertDead(ctx.app, tokens, 'logged-out session');
});

test('scope=others in the body keeps the current session and revokes the others', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions: [s1, s2, s3] } = await userWithThreeSessions(ctx.app);

  const res = await logout(ctx.app, { accessToken: s2!.access_token, payload: { scope: 'others' } });
  assert.equal(res.statusCode, 204, res.body);
  await assertLive(ctx.app, s2!, 'current session');
  await assertDead(ctx.app, s1!, 'first other session');
  await assertDead(ctx.app, s3!, 'second other session');
  assert.equal((await refresh(ctx.app, s2!)).statusCode, 200, 'the current session still refreshes');
});

test('scope=others in the query keeps the current session and revokes the others', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions: [s1, s2, s3] } = await userWithThreeSessions(ctx.app);

  const res = await logout(ctx.app, { accessToken: s3!.access_token, query: '?scope=others' });
  assert.equal(res.statusCode, 204, res.body);
  await assertLive(ctx.app, s3!, 'current session');
  await assertDead(ctx.app, s1!, 'first other session');
  await assertDead(ctx.app, s2!, 'second other session');
});

test('scope=others leaves the sessions of other users alone', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);

  assert.equal((await logout(ctx.app, { accessToken: alice.tokens.access_token, query: '?scope=others' })).statusCode, 204);
  await assertLive(ctx.app, bob.tokens, 'another user');
  assert.equal((await logout(ctx.app, { accessToken: alice.tokens.access_token, query: '?scope=global' })).statusCode, 204);
  await assertLive(ctx.app, bob.tokens, 'another user after global');
});

test('scope=global revokes every session of the user, the current one included', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions, userId } = await userWithThreeSessions(ctx.app);

  const res = await logout(ctx.app, { accessToken: sessions[0]!.access_token, payload: { scope: 'global' } });
  assert.equal(res.statusCode, 204, res.body);
  for (const [i, pair] of sessions.entries()) await assertDead(ctx.app, pair, `session ${i + 1}`);
  assert.deepEqual(await ctx.stores.sessions.listActiveForUser(userId, new Date(ctx.clock.now())), []);
});

test('logs out by refresh token alone, without a bearer token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, userId } = await registerUser(ctx.app);

  const res = await logout(ctx.app, { payload: { refresh_token: tokens.refresh_token } });
  assert.equal(res.statusCode, 204, res.body);
  await assertDead(ctx.app, tokens, 'logged-out session');
  assert.deepEqual(await ctx.stores.sessions.listActiveForUser(userId, new Date(ctx.clock.now())), []);
});

test('logs out by refresh token after the access token has expired', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);
  ctx.clock.advance(20 * 60_000);

  assert.equal((await logout(ctx.app, { payload: { refresh_token: tokens.refresh_token } })).statusCode, 204);
  assert.deepEqual(failure(await refresh(ctx.app, tokens)), { status: 401, code: 'session_revoked' });
});

test('refuses scope=global by the refresh token of a logged-out session, leaving the live sessions alone', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions: [old, s2, s3] } = await userWithThreeSessions(ctx.app);
  assert.equal((await logout(ctx.app, { accessToken: old!.access_token })).statusCode, 204);

  // a token of an ended session (a lost or stolen device) must not reach the user's live sessions
  const res = await logout(ctx.app, { payload: { refresh_token: old!.refresh_token, scope: 'global' } });
  assert.equal(res.statusCode, 401, `answered ${res.statusCode}`);
  assert.deepEqual(failure(res), { status: 401, code: 'session_revoked' });
  await assertLive(ctx.app, s2!, 'second session');
  await assertLive(ctx.app, s3!, 'third session');
});

test('refuses scope=others by the refresh token of a logged-out session', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { sessions: [old, s2] } = await userWithThreeSessions(ctx.app);
  assert.equal((await logout(ctx.app, { payload: { refresh_token: old!.refresh_token } })).statusCode, 204);

  const res = await logout(ctx.app, { payload: { refresh_token: old!.refresh_token, scope: 'others' } });
  assert.equal(res.statusCode, 401, `answered ${res.statusCode}`);
  assert.deepEqual(failure(res), { status: 401, code: 'session_revoked' });
  await assertLive(ctx.app, s2!, 'second session');
});

test('refuses a logout without any token with 401 missing_token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  for (const payload of [undefined, {}, { scope: 'global' }]) {
    const res = await logout(ctx.app, payload ? { payload } : {});
    assert.deepEqual(failure(res), { status: 401, code: 'missing_token' }, JSON.stringify(payload));
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
  }
  await assertLive(ctx.app, tokens, 'the user\'s session');
});

test('refuses a logout with a forged or garbage token with 401', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  assert.deepEqual(failure(await logout(ctx.app, { accessToken: 'garbage' })), { status: 401, code: 'invalid_token' });
  assert.deepEqual(failure(await logout(ctx.app, { accessToken: tokens.refresh_token })), { status: 401, code: 'invalid_token' });
  assert.deepEqual(failure(await logout(ctx.app, { payload: { refresh_token: tokens.access_token } })),
    { status: 401, code: 'invalid_refresh_token' });
  await assertLive(ctx.app, tokens, 'the user\'s session');
});

test('refuses an unknown scope with 400 validation_failed', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  const inBody = await logout(ctx.app, { accessToken: tokens.access_token, payload: { scope: 'everything' } });
  assert.deepEqual(failure(inBody), { status: 400, code: 'validation_failed' });
  const inQuery = await logout(ctx.app, { accessToken: tokens.access_token, query: '?scope=all' });
  assert.deepEqual(failure(inQuery), { status: 400, code: 'validation_failed' });
  await assertLive(ctx.app, tokens, 'the session');
});

test('refuses scope=others with a previous refresh token once the grace window has passed', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { username, password, tokens: p0 } = await registerUser(ctx.app);
  const other = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
  const rotated = await ctx.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: p0.access_token, refresh_token: p0.refresh_token },
  });
  assert.equal(rotated.statusCode, 200);
  ctx.clock.advance(60_000);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: p0.refresh_token, scope: 'others' } });
  assert.deepEqual({ status: res.statusCode, code: res.json().code }, { status: 401, code: 'session_revoked' });
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${other.json().access_token}` } });
  assert.equal(me.statusCode, 200, 'the other session is still alive');
});

test('honours scope=others by the previous refresh token inside the grace window only from the client that rotated', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { username, tokens: p0 } = await registerUser(ctx.app);
  const browser = { headers: { 'user-agent': 'Firefox' }, remoteAddress: '203.0.113.7' };
  const rotated = await ctx.app.inject({
    method: 'POST', url: '/auth/refresh', payload: { access_token: p0.access_token, refresh_token: p0.refresh_token }, ...browser,
  });
  assert.equal(rotated.statusCode, 200);
  const other = (await login(ctx.app, username)).access_token;
  ctx.clock.advance(2_000);
  const logoutOthers = (client: typeof browser) =>
    ctx.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: p0.refresh_token, scope: 'others' }, ...client });

  const thief = await logoutOthers({ headers: { 'user-agent': 'curl/8.5.0' }, remoteAddress: '198.51.100.23' });
  assert.deepEqual(failure(thief), { status: 401, code: 'session_revoked' });
  assert.equal((await me(ctx.app, other)).statusCode, 200, 'the other session is still alive');

  assert.equal((await logoutOthers(browser)).statusCode, 204);
  assert.deepEqual(failure(await me(ctx.app, other)), { status: 401, code: 'session_revoked' });
  assert.equal((await me(ctx.app, (rotated.json() as Pair).access_token)).statusCode, 200, 'the caller\'s session lives on');
});
