// GET /users/me/sessions and DELETE /users/me/sessions/:id: a user sees and ends only their own
// live sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type Pair, me, refresh } from '../../helpers.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const REFRESH_TTL_MS = 7 * DAY_MS;

interface PublicSession {
  id: string;
  current: boolean;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

function sidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid;
}

async function register(app: FastifyInstance, username: string, userAgent: string): Promise<Pair> {
  const res = await app.inject({
    method: 'POST', url: '/auth/register', headers: { 'user-agent': userAgent },
    payload: { username, email: `${username}@example.com`, password: PASSWORD },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Pair;
}

async function login(app: FastifyInstance, username: string, userAgent: string): Promise<Pair> {
  const res = await app.inject({
    method: 'POST', url: '/auth/login', headers: { 'user-agent': userAgent }, payload: { username, password: PASSWORD },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

async function listSessions(app: FastifyInstance, accessToken: string): Promise<PublicSession[]> {
  const res = await app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(accessToken) });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { sessions: PublicSession[] };
  assert.deepEqual(Object.keys(body), ['sessions']);
  return body.sessions;
}

function deleteSession(app: FastifyInstance, accessToken: string, id: string) {
  return app.inject({ method: 'DELETE', url: `/users/me/sessions/${encodeURIComponent(id)}`, headers: bearer(accessToken) });
}

const HOUR_MS = 3_600_000;
/** A time as the list shows it: rounded down to the hour (core/sessions/session-list.ts, listedTime). */
const listed = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();

function expected(pair: Pair, atMs: number, userAgent: string, current: boolean): PublicSession {
  return {
    id: sidOf(pair.access_token),
    current,
    created_at: listed(atMs),
    last_used_at: listed(atMs),
    expires_at: listed(atMs + REFRESH_TTL_MS),
    ip: '127.0.0.1',
    user_agent: userAgent,
  };
}

test('lists the live sessions newest first, marking only the caller\'s as current', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const t1 = ctx.clock.now();
  const s1 = await register(ctx.app, 'alice', 'laptop');
  ctx.clock.advance(MINUTE_MS);
  const t2 = ctx.clock.now();
  const s2 = await login(ctx.app, 'alice', 'phone');
  ctx.clock.advance(MINUTE_MS);
  const t3 = ctx.clock.now();
  const s3 = await login(ctx.app, 'alice', 'tablet');

  assert.deepEqual(await listSessions(ctx.app, s2.access_token), [
    expected(s3, t3, 'tablet', false),
    expected(s2, t2, 'phone', true),
    expected(s1, t1, 'laptop', false),
  ]);
  const fromFirst = await listSessions(ctx.app, s1.access_token);
  assert.deepEqual(fromFirst.map((s) => s.current), [false, false, true]);
});

test('shows a refresh in last_used_at and expires_at, to the hour, not in created_at or the order', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const t1 = ctx.clock.now();
  const s1 = await register(ctx.app, 'alice', 'laptop');
  ctx.clock.advance(50 * MINUTE_MS);
  const t2 = ctx.clock.now();
  const s2 = await login(ctx.app, 'alice', 'phone');
  ctx.clock.advance(MINUTE_MS); // s1's access token has expired, s2's is still valid
  const inHour = await refresh(ctx.app, s1);
  assert.equal(inHour.statusCode, 200, inHour.body);
  assert.deepEqual(await listSessions(ctx.app, s2.access_token), [
    expected(s2, t2, 'phone', true),
    expected(s1, t1, 'laptop', false),
  ], 'a refresh within the hour of the last one shows nothing');

  ctx.clock.advance(10 * MINUTE_MS); // into the next hour
  const t3 = ctx.clock.now();
  const nextHour = await refresh(ctx.app, inHour.json() as Pair);
  assert.equal(nextHour.statusCode, 200, nextHour.body);
  assert.deepEqual(await listSessions(ctx.app, s2.access_token), [
    expected(s2, t2, 'phone', true),
    { ...expected(s1, t1, 'laptop', false), last_used_at: listed(t3), expires_at: listed(t3 + REFRESH_TTL_MS) },
  ]);
});

test('leaves revoked and expired sessions out of the list', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  await register(ctx.app, 'alice', 'laptop'); // expires unused
  ctx.clock.advance(DAY_MS);
  const loggedOut = await login(ctx.app, 'alice', 'phone');
  const out = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(loggedOut.access_token) });
  assert.equal(out.statusCode, 204);
  ctx.clock.advance(REFRESH_TTL_MS - DAY_MS + MINUTE_MS);
  const t3 = ctx.clock.now();
  const live = await login(ctx.app, 'alice', 'tablet');

  assert.deepEqual(await listSessions(ctx.app, live.access_token), [expected(live, t3, 'tablet', true)]);
});

test('revokes another of my sessions by id, and its tokens stop working', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const s1 = await register(ctx.app, 'alice', 'laptop');
  const s2 = await login(ctx.app, 'alice', 'phone');

  const res = await deleteSession(ctx.app, s1.access_token, sidOf(s2.access_token));
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  assert.deepEqual(failure(await me(ctx.app, s2.access_token)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await refresh(ctx.app, s2)), { status: 401, code: 'session_revoked' });

  assert.equal((await me(ctx.app, s1.access_token)).statusCode, 200, 'the caller\'s session lives on');
  assert.deepEqual((await listSessions(ctx.app, s1.access_token)).map((s) => s.id), [sidOf(s1.access_token)]);

  const again = await deleteSession(ctx.app, s1.access_token, sidOf(s2.access_token));
  assert.deepEqual(failure(again), { status: 404, code: 'session_not_found' });
});

test('revokes the caller\'s own session by id', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const s1 = await register(ctx.app, 'alice', 'laptop');

  assert.equal((await deleteSession(ctx.app, s1.access_token, sidOf(s1.access_token))).statusCode, 204);
  assert.deepEqual(failure(await me(ctx.app, s1.access_token)), { status: 401, code: 'session_revoked' });
});

test('answers 404 session_not_found for another user\'s session, which stays alive', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const alice = await register(ctx.app, 'alice', 'laptop');
  const bob = await register(ctx.app, 'bob', 'phone');
  const bobId = JSON.parse(Buffer.from(bob.access_token.split('.')[1]!, 'base64url').toString('utf8')).sub as string;

  const res = await deleteSession(ctx.app, alice.access_token, sidOf(bob.access_token));
  assert.deepEqual(failure(res), { status: 404, code: 'session_not_found' });
  assert.equal((await me(ctx.app, bob.access_token)).statusCode, 200);
  assert.equal((await refresh(ctx.app, bob)).statusCode, 200);
  assert.equal((await ctx.stores.sessions.findById(bobId, sidOf(bob.access_token)))?.revokedAt, null);
});

test('answers 404 session_not_found for an unknown session id', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const alice = await register(ctx.app, 'alice', 'laptop');

  for (const id of ['0190c6f0-0000-7000-8000-000000000000', 'nope']) {
    assert.deepEqual(failure(await deleteSession(ctx.app, alice.access_token, id)), { status: 404, code: 'session_not_found' });
  }
  assert.deepEqual(failure(await deleteSession(ctx.app, alice.access_token, 'x'.repeat(65))), { status: 400, code: 'validation_failed' });
  assert.equal((await me(ctx.app, alice.access_token)).statusCode, 200);
});

test('refuses both session endpoints without a bearer token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens } = await registerUser(ctx.app);

  const list = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions' });
  assert.deepEqual(failure(list), { status: 401, code: 'missing_token' });
  const del = await ctx.app.inject({ method: 'DELETE', url: `/users/me/sessions/${sidOf(tokens.access_token)}` });
  assert.deepEqual(failure(del), { status: 401, code: 'missing_token' });
  const withRefresh = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(tokens.refresh_token) });
  assert.deepEqual(failure(withRefresh), { status: 401, code: 'invalid_token' });
});
