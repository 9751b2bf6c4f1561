// The audit store through the API, on every session backend (with Redis sessions the SQL database
// still holds the log): actions are stored with actor, subject, origin and data and never a secret;
// refresh rotations are summarised per session; GET /admin/audit filters and pages; GET
// /users/me/activity shows a person only their own events; AUDIT_LOG=off stores nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer, failure, refresh, PASSWORD, type TestApp } from '../../helpers.js';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteRedisKeys, mysql, postgres, unavailable, type SqlBackend } from '../../storage/backends.js';

/** SQLite, PostgreSQL, MySQL, and Redis sessions beside SQLite (where the SQL database still holds the log). */
const backends: Array<{ name: string; skip: string | false; open(): Promise<TestApp> }> = [
  { name: 'SQLite', skip: false, open: () => createTestApp() },
  ...([['PostgreSQL', postgres, 'POSTGRES_URL'], ['MySQL', mysql, 'MYSQL_URL']] as Array<[string, SqlBackend, string]>).map(([name, backend, variable]) => ({
    name, skip: unavailable(variable),
    async open() {
      const { url, drop } = await backend.create();
      const ctx = await createTestApp({ DATABASE_URL: url });
      return { ...ctx, close: async () => { await ctx.close(); await drop(); } };
    },
  })),
  {
    name: 'Redis sessions', skip: unavailable('REDIS_URL'),
    async open() {
      const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
      const ctx = await createTestApp({ REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix });
      ctx.clock.set(Math.floor(Date.now() / 3_600_000) * 3_600_000); // Redis expires keys by its own clock
      return { ...ctx, close: async () => {
        await ctx.close();
        const client = new Redis(process.env.REDIS_URL!);
        await deleteRedisKeys(client, prefix);
        await client.quit();
      } };
    },
  },
];

type View = { id: string; type: string; actor_id: string | null; subject_id: string | null; ip: string | null; user_agent: string | null; session_id: string | null; data: Record<string, unknown> };

async function makeAdmin(ctx: TestApp) {
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  return { ...user, token: user.tokens.access_token };
}

async function page(ctx: TestApp, token: string, url: string) {
  await ctx.auditWriter!.flush();
  const res = await ctx.app.inject({ method: 'GET', url, headers: bearer(token) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { events: View[]; next_cursor: string | null };
}

/** A user who registers, fails a login, logs in, refreshes three times and logs out; an admin disables them. */
async function story(ctx: TestApp) {
  const admin = await makeAdmin(ctx);
  const ada = await registerUser(ctx.app);
  const login = (password: string) => ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: ada.username, password }, remoteAddress: '203.0.113.9' });
  assert.equal((await login('wrong password!')).statusCode, 401);
  let pair = (await login(PASSWORD)).json() as { access_token: string; refresh_token: string };
  const secrets = [PASSWORD, pair.refresh_token, pair.access_token];
  for (let i = 0; i < 3; i += 1) {
    pair = (await refresh(ctx.app, pair)).json();
    secrets.push(pair.refresh_token);
  }
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: pair.refresh_token } })).statusCode, 204);
  const patched = await ctx.app.inject({ method: 'PATCH', url: `/admin/users/${ada.userId}`, headers: bearer(admin.token), payload: { disabled: true } });
  assert.equal(patched.statusCode, 200, patched.body);
  return { admin, ada, secrets };
}

for (const backend of backends) {
  describe(`the audit store on ${backend.name}`, { skip: backend.skip }, () => {
    test('each action is stored with actor, subject, origin and data; rotations summarised; never a password or token', async (t) => {
      const ctx = await backend.open();
      t.after(() => ctx.close());
      const { admin, ada, secrets } = await story(ctx);
      const { events } = await page(ctx, admin.token, `/admin/audit?user_id=${ada.userId}`);
      // a batch written between two refreshes splits their summary: one per batch, the counts adding up
      const refreshes = events.filter((e) => e.type === 'refresh');
      assert.equal(refreshes.reduce((sum, e) => sum + Number(e.data.count), 0), 3);
      assert.deepEqual([...new Set(events.map((e) => e.type).reverse())],
        ['register', 'login_failed', 'login_succeeded', 'refresh', 'logout', 'admin_user_updated']);
      const byType = Object.fromEntries(events.map((e) => [e.type, e]));
      assert.equal(byType.login_failed!.data.reason, 'invalid_credentials');
      assert.equal(byType.login_succeeded!.ip, '203.0.113.9');
      assert.equal(byType.login_succeeded!.actor_id, ada.userId);
      assert.deepEqual(refreshes.map((e) => e.data.outcome), refreshes.map(() => 'rotated'));
      assert.ok(refreshes.length <= 2, 'rotations are summarised, not stored one by one');
      assert.equal(byType.refresh!.session_id, byType.login_succeeded!.session_id);
      assert.equal(byType.admin_user_updated!.actor_id, admin.userId);
      assert.equal(byType.admin_user_updated!.subject_id, ada.userId);
      assert.deepEqual(byType.admin_user_updated!.data, { changes: { disabled: true }, revokedSessions: 1 });
      const stored = JSON.stringify(await ctx.stores.audit.find({ limit: 1000 }));
      for (const secret of secrets) assert.ok(!stored.includes(secret), 'a secret in the audit store');
    });

    test('GET /admin/audit filters by actor, type and time and pages with next_cursor, neither skipping nor repeating', async (t) => {
      const ctx = await backend.open();
      t.after(() => ctx.close());
      const { admin, ada } = await story(ctx);
      const mine = await page(ctx, admin.token, `/admin/audit?actor_id=${admin.userId}&type=admin_user_updated`);
      assert.deepEqual(mine.events.map((e) => [e.type, e.subject_id]), [['admin_user_updated', ada.userId]]);
      const all = await page(ctx, admin.token, '/admin/audit?limit=200');
      assert.ok(all.events.length >= 7, 'two registrations, a failed and a good login, refresh summaries, a logout, the change');
      const seen: string[] = [];
      for (let url = '/admin/audit?limit=3'; ;) {
        const p = await page(ctx, admin.token, url);
        seen.push(...p.events.map((e) => e.id));
        if (p.next_cursor === null) break;
        url = `/admin/audit?limit=3&after=${p.next_cursor}`;
      }
      assert.deepEqual(seen, all.events.map((e) => e.id));
      const now = new Date(ctx.clock.now());
      assert.equal((await page(ctx, admin.token, `/admin/audit?from=${new Date(now.getTime() + 1000).toISOString()}`)).events.length, 0);
      assert.equal((await page(ctx, admin.token, `/admin/audit?to=${now.toISOString()}&limit=200`)).events.length, all.events.length);
    });

    test('GET /users/me/activity answers a person\'s own events only; the admin audit is refused to a user', async (t) => {
      const ctx = await backend.open();
      t.after(() => ctx.close());
      const bob = await registerUser(ctx.app);
      const eve = await registerUser(ctx.app);
      await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: bob.username, password: 'not his password' } });
      const own = await page(ctx, bob.tokens.access_token, '/users/me/activity');
      assert.deepEqual(own.events.map((e) => e.type), ['login_failed', 'register']);
      assert.ok(own.events.every((e) => e.subject_id === bob.userId));
      const res = await ctx.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(eve.tokens.access_token) });
      assert.deepEqual(failure(res), { status: 403, code: 'insufficient_role' });
    });
  });
}

test('a person\'s activity shows what an admin did to the account, without the admin\'s address, browser, session or id', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const admin = await makeAdmin(ctx);
  const bob = await registerUser(ctx.app);
  const revoked = await ctx.app.inject({ method: 'DELETE', url: `/admin/users/${bob.userId}/sessions`, headers: { ...bearer(admin.token), 'user-agent': 'admin-browser/1' }, remoteAddress: '198.51.100.7' });
  assert.equal(revoked.statusCode, 200, revoked.body);
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: bob.username, password: PASSWORD } });
  const own = await page(ctx, login.json().access_token, '/users/me/activity');
  const byAdmin = own.events.find((e) => e.type === 'admin_sessions_revoked')!;
  assert.deepEqual([byAdmin.actor_id, byAdmin.ip, byAdmin.user_agent, byAdmin.session_id, byAdmin.subject_id], [null, null, null, null, bob.userId]);
  const audit = await page(ctx, admin.token, `/admin/audit?type=admin_sessions_revoked`);
  assert.deepEqual([audit.events[0]!.actor_id, audit.events[0]!.ip], [admin.userId, '198.51.100.7'], 'the admin audit keeps them');
});

test('bad filters answer 400 with a code, not a 500', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const admin = await makeAdmin(ctx);
  for (const query of ['from=yesterday', 'to=2026-13-45T99:99Z', 'limit=0', 'limit=201', 'user_id=%00', 'type=DROP TABLE', 'colour=red']) {
    const res = await ctx.app.inject({ method: 'GET', url: `/admin/audit?${query}`, headers: bearer(admin.token) });
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.equal(typeof res.json().code, 'string');
  }
});

test('AUDIT_LOG=off stores nothing and serves neither GET /admin/audit nor GET /users/me/activity', async (t) => {
  const ctx = await createTestApp({ AUDIT_LOG: 'off' });
  t.after(() => ctx.close());
  const admin = await makeAdmin(ctx);
  assert.equal(ctx.auditWriter, undefined);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(admin.token) })).statusCode, 404);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/users/me/activity', headers: bearer(admin.token) })).statusCode, 404);
  assert.deepEqual(await ctx.stores.audit.find({ limit: 10 }), []);
});
