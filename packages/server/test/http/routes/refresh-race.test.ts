// Concurrent refreshes of one token (docs/architecture.md, "Refresh"): exactly one rotates and every other
// caller gets the same successor pair, never a second chain; a logout racing a refresh wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type Pair, refresh } from '../../helpers.js';

function sidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid;
}

test('answers 20 concurrent refreshes of one token with one and the same successor pair', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0, userId } = await registerUser(ctx.app);
  const sid = sidOf(p0.refresh_token);

  const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(ctx.app, p0)));
  for (const res of answers) assert.equal(res.statusCode, 200, res.body);
  const pairs = answers.map((res) => res.json() as Pair);
  assert.equal(new Set(pairs.map((p) => p.refresh_token)).size, 1, 'exactly one successor refresh token');
  assert.equal(new Set(pairs.map((p) => p.access_token)).size, 1, 'exactly one successor access token');
  const p1 = pairs[0]!;
  assert.notEqual(p1.refresh_token, p0.refresh_token);

  const session = await ctx.stores.sessions.findById(userId, sid);
  assert.equal(session?.generation, 1, 'the session advanced by exactly one generation');
  assert.equal(session?.revokedAt, null);

  const next = await refresh(ctx.app, p1);
  assert.equal(next.statusCode, 200, next.body);
  const p2 = next.json() as Pair;
  assert.notEqual(p2.refresh_token, p1.refresh_token);
  assert.equal((await ctx.stores.sessions.findById(userId, sid))?.generation, 2);
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(p2.access_token) });
  assert.equal(me.statusCode, 200);
});

test('leaves no live session when a refresh and a global logout race', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0, userId, username } = await registerUser(ctx.app);

  const [refreshed, loggedOut] = await Promise.all([
    refresh(ctx.app, p0),
    ctx.app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(p0.access_token) }),
  ]);
  assert.equal(loggedOut.statusCode, 204, loggedOut.body);
  assert.ok([200, 401].includes(refreshed.statusCode), refreshed.body);

  const now = new Date(ctx.clock.now());
  assert.deepEqual(await ctx.stores.sessions.listActiveForUser(userId, now), []);

  if (refreshed.statusCode === 200) {
    // the refresh won the race: its pair must be dead all the same
    const p1 = refreshed.json() as Pair;
    const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(p1.access_token) });
    assert.deepEqual(failure(me), { status: 401, code: 'session_revoked' });
    assert.deepEqual(failure(await refresh(ctx.app, p1)), { status: 401, code: 'session_revoked' });
  } else {
    assert.deepEqual(failure(refreshed), { status: 401, code: 'session_revoked' });
  }

  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  const fresh = login.json() as Pair;
  const list = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(fresh.access_token) });
  assert.equal(list.statusCode, 200);
  const sessions = (list.json() as { sessions: Array<{ id: string; current: boolean }> }).sessions;
  assert.deepEqual(sessions.map((s) => ({ id: s.id, current: s.current })), [{ id: sidOf(fresh.access_token), current: true }]);
});
