// POST /auth/refresh: the reissue protocol (docs/architecture.md, "Refresh"), case by case:
// rotation, the expired access token, the grace replay, reuse detection, the ID check, inactive
// users, the stored form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, failure, PASSWORD, type Pair, me, refresh } from '../../helpers.js';
import { sqlBackends, unavailable } from '../../storage/backends.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const ACCESS_TTL_SECONDS = 15 * 60;
const REFRESH_TTL_SECONDS = 7 * 86_400;

/** A refresh that must succeed; answers the new pair. */
async function rotated(app: FastifyInstance, pair: Pair): Promise<Pair> {
  const res = await refresh(app, pair);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

async function login(app: FastifyInstance, username: string): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

/** The claims of a JWT, read without verifying it. */
function claimsOf(token: string): { sub: string; sid: string; jti: string; iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** A success body, checked exactly: only these five fields, with the lifetimes left at `nowMs`. */
function assertFreshPair(body: Pair, ttls = { access: ACCESS_TTL_SECONDS, refresh: REFRESH_TTL_SECONDS }): void {
  assert.deepEqual(body, {
    access_token: body.access_token,
    token_type: 'bearer',
    expires_in: ttls.access,
    refresh_token: body.refresh_token,
    refresh_expires_in: ttls.refresh,
  });
  assert.match(body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.match(body.refresh_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
}

test('rotates a fresh pair into a new pair that works, with Cache-Control no-store', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0, username } = await registerUser(ctx.app);

  const res = await refresh(ctx.app, p0);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const p1 = res.json() as Pair;
  assertFreshPair(p1);
  assert.notEqual(p1.access_token, p0.access_token);
  assert.notEqual(p1.refresh_token, p0.refresh_token);
  assert.equal(claimsOf(p1.access_token).sid, claimsOf(p0.access_token).sid, 'the session stays the same');

  const who = await me(ctx.app, p1.access_token);
  assert.equal(who.statusCode, 200);
  assert.equal(who.json().username, username);
});

test('accepts an expired access token for a refresh but refuses it on /users/me', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  ctx.clock.advance(20 * MINUTE_MS);

  assert.deepEqual(failure(await me(ctx.app, p0.access_token)), { status: 401, code: 'token_expired' });

  const p1 = await rotated(ctx.app, p0);
  assertFreshPair(p1);
  assert.equal((await me(ctx.app, p1.access_token)).statusCode, 200);
});

test('refuses a refresh once both tokens are older than the refresh lifetime', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  ctx.clock.advance(7 * DAY_MS + 20 * MINUTE_MS);

  const res = await refresh(ctx.app, p0);
  assert.equal(res.statusCode, 401);
  assert.ok(['refresh_token_expired', 'token_expired'].includes(failure(res).code), res.body);
});

test('refuses an access token older than the refresh lifetime even with a live refresh token of its session', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  ctx.clock.advance(4 * DAY_MS);
  const p1 = await rotated(ctx.app, p0);
  ctx.clock.advance(4 * DAY_MS); // p0's access token is now 8 days old; p1's refresh token lives 3 more

  const stale = await refresh(ctx.app, { access_token: p0.access_token, refresh_token: p1.refresh_token });
  assert.deepEqual(failure(stale), { status: 401, code: 'token_expired' });

  const fresh = await refresh(ctx.app, p1);
  assert.equal(fresh.statusCode, 200, 'the refusal did not harm the session');
});

test('answers the identical successor pair when the previous refresh token comes back inside the grace window', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const p1 = await rotated(ctx.app, p0);

  ctx.clock.advance(5_000);
  const replay = await refresh(ctx.app, p0);
  assert.equal(replay.statusCode, 200, replay.body);
  assert.equal(replay.headers['cache-control'], 'no-store');
  // the same tokens; the lifetimes count down from now
  assert.deepEqual(replay.json(), { ...p1, expires_in: p1.expires_in - 5, refresh_expires_in: p1.refresh_expires_in - 5 });

  const { sub, sid } = claimsOf(p0.refresh_token);
  assert.equal((await ctx.stores.sessions.findById(sub, sid))?.generation, 1, 'a replay mints no second chain');

  const p2 = await rotated(ctx.app, p1);
  assert.notEqual(p2.refresh_token, p1.refresh_token);
  assert.equal((await me(ctx.app, p2.access_token)).statusCode, 200);
});

test('honours the previous refresh token up to exactly the 10-second grace window', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const p1 = await rotated(ctx.app, p0);

  ctx.clock.advance(10_000);
  const replay = await refresh(ctx.app, p0);
  assert.equal(replay.statusCode, 200, replay.body);
  assert.deepEqual(replay.json(), { ...p1, expires_in: p1.expires_in - 10, refresh_expires_in: p1.refresh_expires_in - 10 });
});

test('refuses the previous refresh token after the grace window and revokes the session', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const p1 = await rotated(ctx.app, p0);

  ctx.clock.advance(11_000);
  assert.deepEqual(failure(await refresh(ctx.app, p0)), { status: 401, code: 'refresh_token_reused' });

  const newest = await refresh(ctx.app, p1);
  assert.deepEqual(failure(newest), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await me(ctx.app, p1.access_token)), { status: 401, code: 'session_revoked' });
  const { sub, sid } = claimsOf(p1.refresh_token);
  const session = await ctx.stores.sessions.findById(sub, sid);
  assert.ok(session?.revokedAt, 'the session is revoked in the store');
});

test('refuses a refresh token older than the previous one even inside the grace window, and revokes the session', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  ctx.clock.advance(MINUTE_MS);
  const p1 = await rotated(ctx.app, p0);
  ctx.clock.advance(MINUTE_MS);
  const p2 = await rotated(ctx.app, p1);

  ctx.clock.advance(2_000); // inside the grace window of the p1 → p2 rotation
  assert.deepEqual(failure(await refresh(ctx.app, p0)), { status: 401, code: 'refresh_token_reused' });

  assert.deepEqual(failure(await refresh(ctx.app, p2)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await me(ctx.app, p2.access_token)), { status: 401, code: 'session_revoked' });
});

test('rejects a refresh token presented as an access token, and an access token presented as a refresh token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);

  const rtAsAccess = await refresh(ctx.app, { access_token: p0.refresh_token, refresh_token: p0.refresh_token });
  assert.deepEqual(failure(rtAsAccess), { status: 401, code: 'invalid_token' });

  const atAsRefresh = await refresh(ctx.app, { access_token: p0.access_token, refresh_token: p0.access_token });
  assert.deepEqual(failure(atAsRefresh), { status: 401, code: 'invalid_refresh_token' });

  const swapped = await refresh(ctx.app, { access_token: p0.refresh_token, refresh_token: p0.access_token });
  assert.equal(swapped.statusCode, 401);
  assert.ok(['invalid_token', 'invalid_refresh_token'].includes(failure(swapped).code), swapped.body);

  assert.deepEqual(failure(await me(ctx.app, p0.refresh_token)), { status: 401, code: 'invalid_token' });

  const stillFine = await refresh(ctx.app, p0);
  assert.equal(stillFine.statusCode, 200, 'a refused kind mix-up does not count as a use');
});

test('refuses an access token and a refresh token of different users with token_mismatch', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const a = await registerUser(ctx.app);
  const b = await registerUser(ctx.app);

  const res = await refresh(ctx.app, { access_token: a.tokens.access_token, refresh_token: b.tokens.refresh_token });
  assert.deepEqual(failure(res), { status: 401, code: 'token_mismatch' });
});

test('refuses an access token and a refresh token of two sessions of one user with token_mismatch', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: s1, username } = await registerUser(ctx.app);
  const s2 = await login(ctx.app, username);
  assert.notEqual(claimsOf(s1.access_token).sid, claimsOf(s2.access_token).sid);

  const res = await refresh(ctx.app, { access_token: s1.access_token, refresh_token: s2.refresh_token });
  assert.deepEqual(failure(res), { status: 401, code: 'token_mismatch' });
  const reverse = await refresh(ctx.app, { access_token: s2.access_token, refresh_token: s1.refresh_token });
  assert.deepEqual(failure(reverse), { status: 401, code: 'token_mismatch' });
});

test('refuses a refresh for a disabled user and revokes the session for good', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0, userId } = await registerUser(ctx.app);
  const sid = claimsOf(p0.refresh_token).sid;

  await ctx.stores.users.update(userId, { disabled: true }, new Date(ctx.clock.now()));
  assert.deepEqual(failure(await refresh(ctx.app, p0)), { status: 403, code: 'user_disabled' });
  assert.ok((await ctx.stores.sessions.findById(userId, sid))?.revokedAt, 'the session is revoked in the store');

  await ctx.stores.users.update(userId, { disabled: false }, new Date(ctx.clock.now()));
  assert.deepEqual(failure(await refresh(ctx.app, p0)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await me(ctx.app, p0.access_token)), { status: 401, code: 'session_revoked' });
});

test('answers 400 validation_failed when a field is missing or not a string', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const bodies: unknown[] = [
    { refresh_token: p0.refresh_token },
    { access_token: p0.access_token },
    {},
    { access_token: 1, refresh_token: p0.refresh_token },
    { access_token: p0.access_token, refresh_token: null },
    { ...p0 }, // extra fields are refused too
    { access_token: p0.access_token, refresh_token: 'x'.repeat(5000) },
  ];
  for (const payload of bodies) {
    const res = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: payload as object });
    assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' }, JSON.stringify(payload).slice(0, 80));
  }
});

test('/auth/refresh always takes both tokens: the refresh token alone is refused whatever TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN says', async (t) => {
  for (const setting of ['false', 'true']) {
    const ctx = await createTestApp({ TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: setting });
    t.after(() => ctx.close());
    const { tokens } = await registerUser(ctx.app);
    const alone = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.refresh_token } });
    assert.deepEqual(failure(alone), { status: 400, code: 'validation_failed' }, setting);
    const empty = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { access_token: '', refresh_token: tokens.refresh_token } });
    assert.deepEqual(failure(empty), { status: 401, code: 'invalid_token' }, setting);
    const both = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { access_token: tokens.access_token, refresh_token: tokens.refresh_token } });
    assert.equal(both.statusCode, 200, both.body);
  }
});

test('answers 401, never 500, to garbage tokens', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'rt+jwt' })).toString('base64url');
  const [, payload] = p0.refresh_token.split('.');
  const unsigned = `${noneHeader}.${payload}.`;
  const garbage = ['', 'garbage', 'a.b.c', '...', 'eyJ.eyJ.eyJ', unsigned, `${p0.refresh_token}x`, '\u0000\u00ff€'];

  for (const junk of garbage) {
    const badRefresh = await refresh(ctx.app, { access_token: p0.access_token, refresh_token: junk });
    assert.deepEqual(failure(badRefresh), { status: 401, code: 'invalid_refresh_token' }, `refresh_token=${JSON.stringify(junk)}`);
    const badAccess = await refresh(ctx.app, { access_token: junk, refresh_token: p0.refresh_token });
    assert.deepEqual(failure(badAccess), { status: 401, code: 'invalid_token' }, `access_token=${JSON.stringify(junk)}`);
  }
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/refresh', headers: { 'content-type': 'application/json' }, payload: '{"access_token":',
  });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });

  assert.equal((await refresh(ctx.app, p0)).statusCode, 200, 'the session survived the junk');
});

test('refuses a refresh token past its 7-day lifetime with refresh_token_expired', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  ctx.clock.advance(7 * DAY_MS + MINUTE_MS);

  const res = await refresh(ctx.app, p0);
  assert.deepEqual(failure(res), { status: 401, code: 'refresh_token_expired' });
  assert.equal(res.headers['cache-control'], 'no-store');
});

test('caps refresh and access tokens at the session\'s 30-day absolute lifetime', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  let { tokens: pair } = await registerUser(ctx.app);
  for (let i = 0; i < 4; i++) {
    ctx.clock.advance(6 * DAY_MS);
    const res = await refresh(ctx.app, pair);
    assert.equal(res.statusCode, 200, res.body);
    pair = res.json() as Pair;
  }
  // day 24: the session ends on day 30, so this refresh token lives 6 days, not 7
  assertFreshPair(pair, { access: ACCESS_TTL_SECONDS, refresh: 6 * 86_400 });
  ctx.clock.advance(6 * DAY_MS - MINUTE_MS);
  const last = await refresh(ctx.app, pair);
  assert.equal(last.statusCode, 200, last.body);
  // one minute before the end: the access token is cut short too, never outliving its session
  assertFreshPair(last.json() as Pair, { access: 60, refresh: 60 });
  ctx.clock.advance(2 * MINUTE_MS);
  assert.deepEqual(failure(await refresh(ctx.app, last.json() as Pair)), { status: 401, code: 'refresh_token_expired' });
});

test('stores only the SHA-256 of the refresh token, never the token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens: p0 } = await registerUser(ctx.app);
  const p1 = await rotated(ctx.app, p0);
  // hex since 02e4b53 (safe under case-insensitive SQL collations)
  const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

  const { sub, sid } = claimsOf(p1.access_token);
  const session = await ctx.stores.sessions.findById(sub, sid);
  assert.ok(session);
  assert.equal(session.currentHash, sha256(p1.refresh_token));
  assert.equal(session.previousHash, sha256(p0.refresh_token));
  assert.match(session.currentHash, /^[0-9a-f]{64}$/);
  assert.equal(session.generation, 1);

  // read the SQLite file itself: no column of any session row holds a token or its signature
  const db = new SqliteDatabase(join(ctx.dir, 'gatehouse.db'), { readonly: true });
  t.after(() => db.close());
  const rows = db.prepare('SELECT * FROM sessions').all() as Array<Record<string, unknown>>;
  assert.equal(rows.length, 1);
  const stored = JSON.stringify(rows);
  for (const token of [p0.refresh_token, p1.refresh_token, p0.access_token, p1.access_token]) {
    assert.equal(stored.includes(token.split('.')[2]!), false, 'a token signature is in the sessions table');
  }
});

for (const { backend, variable } of sqlBackends.filter((b) => b.variable)) {
  test(`on ${backend.name}: rotation, grace replay, reuse and a disabled user, the session and user read in one statement`,
    { skip: unavailable(variable!) }, async (t) => {
      const { url, drop } = await backend.create();
      let [reads, sessionReads] = [0, 0];
      const ctx = await createTestApp({ DATABASE_URL: url }, {
        stores: (stores) => ({
          ...stores,
          sessionAndUser: (userId, sessionId) => { reads += 1; return stores.sessionAndUser!(userId, sessionId); },
          sessions: { ...stores.sessions, findById: (userId, id) => { sessionReads += 1; return stores.sessions.findById(userId, id); } },
        }),
      });
      t.after(async () => { await ctx.close(); await drop(); });
      const user = await registerUser(ctx.app);
      const p1 = await rotated(ctx.app, user.tokens);
      assert.equal(reads, 1);
      ctx.clock.advance(5_000);
      assert.equal((await refresh(ctx.app, user.tokens)).json().refresh_token, p1.refresh_token, 'the same successor inside the grace window');
      ctx.clock.advance(6_000);
      assert.deepEqual(failure(await refresh(ctx.app, user.tokens)), { status: 401, code: 'refresh_token_reused' });
      assert.deepEqual(failure(await refresh(ctx.app, p1)), { status: 401, code: 'session_revoked' }, 'reuse ended the session');

      const p2 = await rotated(ctx.app, await login(ctx.app, user.username));
      await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
      assert.deepEqual(failure(await refresh(ctx.app, p2)), { status: 403, code: 'user_disabled' });
      await ctx.stores.users.update(user.userId, { disabled: false }, new Date(ctx.clock.now()));
      assert.deepEqual(failure(await refresh(ctx.app, p2)), { status: 401, code: 'session_revoked' }, 'the disable ended the session');
      assert.equal(reads, 7, 'one per refresh');
      assert.equal(sessionReads, 0, 'no second read of the session (only a lost compare-and-swap needs one)');
    });
}
