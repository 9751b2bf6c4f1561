// The admin API: only the admin role passes; users are listed, read, disabled, re-roled and
// deleted; disabling or deleting ends the user's access at once; the last admin always stays.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { createTestApp, registerUser, bearer, failure, PASSWORD, type TestApp } from '../../helpers.js';
import { deleteRedisKeys, sqlBackends, unavailable } from '../../storage/backends.js';

const CREATED_AT = new Date(Date.UTC(2026, 0, 1, 12, 0, 0)).toISOString();

async function setup(t: TestContext): Promise<TestApp> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  return ctx;
}

/** A registered user promoted to admin straight in the store, with a live access token. */
async function makeAdmin(ctx: TestApp, username?: string) {
  const user = await registerUser(ctx.app, username ? { username } : {});
  await ctx.stores.users.update(user.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  return { ...user, token: user.tokens.access_token };
}

function publicUser(u: { userId: string; username: string; email: string }, overrides: Record<string, unknown> = {}) {
  return { id: u.userId, username: u.username, email: u.email, email_verified: false, full_name: null, role: 'user', disabled: false, created_at: CREATED_AT, ...overrides };
}

const call = (app: FastifyInstance, token: string, method: 'GET' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });

const ENDPOINTS = (id: string): Array<['GET' | 'PATCH' | 'DELETE', string, object?]> => [
  ['GET', '/admin/users'], ['GET', `/admin/users/${id}`], ['PATCH', `/admin/users/${id}`, { disabled: true }],
  ['DELETE', `/admin/users/${id}`], ['GET', `/admin/users/${id}/sessions`], ['DELETE', `/admin/users/${id}/sessions`],
];

test('every admin endpoint refuses a user without the admin role: 403 insufficient_role, insufficient_scope challenge', async (t) => {
  const ctx = await setup(t);
  const plain = await registerUser(ctx.app);
  for (const [method, url, payload] of ENDPOINTS(plain.userId)) {
    const res = await call(ctx.app, plain.tokens.access_token, method, url, payload);
    assert.deepEqual(failure(res), { status: 403, code: 'insufficient_role' }, `${method} ${url}`);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse", error="insufficient_scope"');
  }
  assert.equal((await me(ctx.app, plain.tokens.access_token)).statusCode, 200); // nothing was changed
});

test('every admin endpoint without a bearer token answers 401 missing_token', async (t) => {
  const ctx = await setup(t);
  for (const [method, url, payload] of ENDPOINTS('x')) {
    const res = await ctx.app.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.deepEqual(failure(res), { status: 401, code: 'missing_token' }, `${method} ${url}`);
  }
});

test('GET /admin/users pages through every user in creation order with next_cursor', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const [a, b] = [await registerUser(ctx.app), await registerUser(ctx.app)];
  const first = await call(ctx.app, admin.token, 'GET', '/admin/users?limit=2');
  assert.equal(first.statusCode, 200);
  assert.deepEqual(first.json(), { users: [publicUser(admin, { role: 'admin' }), publicUser(a)], next_cursor: a.userId });
  const second = await call(ctx.app, admin.token, 'GET', `/admin/users?limit=2&after=${a.userId}`);
  assert.deepEqual(second.json(), { users: [publicUser(b)], next_cursor: null });
});

test('GET /admin/users?q= finds users by username prefix in any case, or by email prefix', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx, 'boss');
  const alice = await registerUser(ctx.app, { username: 'Alice', email: 'alice@example.com' });
  const alfred = await registerUser(ctx.app, { username: 'alfred', email: 'fred@example.org' });
  const byName = await call(ctx.app, admin.token, 'GET', '/admin/users?q=AL');
  assert.deepEqual(byName.json(), { users: [publicUser(alice), publicUser(alfred)], next_cursor: null });
  const byEmail = await call(ctx.app, admin.token, 'GET', '/admin/users?q=fred%40example');
  assert.deepEqual(byEmail.json(), { users: [publicUser(alfred)], next_cursor: null });
  const none = await call(ctx.app, admin.token, 'GET', '/admin/users?q=%25');
  assert.deepEqual(none.json(), { users: [], next_cursor: null });
});

test('GET /admin/users refuses a limit outside 1 to 100 with 400 validation_failed', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  for (const limit of ['0', '101', 'abc', '-1', '1.5', '']) {
    const res = await call(ctx.app, admin.token, 'GET', `/admin/users?limit=${limit}`);
    assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' }, `limit=${limit}`);
  }
  assert.equal((await call(ctx.app, admin.token, 'GET', '/admin/users?limit=100')).statusCode, 200);
});

test('GET /admin/users/:id answers the user without its hash; an unknown id answers 404 user_not_found', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const res = await call(ctx.app, admin.token, 'GET', `/admin/users/${user.userId}`);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), publicUser(user));
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'GET', '/admin/users/no-such-user')), { status: 404, code: 'user_not_found' });
});

test('PATCH disabled: true ends the user\'s sessions at once: their access and refresh tokens fail, login answers user_disabled', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, { disabled: true });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), publicUser(user, { disabled: true }));
  assert.deepEqual(failure(await me(ctx.app, user.tokens.access_token)), { status: 401, code: 'session_revoked' });
  const { access_token, refresh_token } = user.tokens;
  const refresh = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { access_token, refresh_token } });
  assert.deepEqual(failure(refresh), { status: 403, code: 'user_disabled' });
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } });
  assert.deepEqual(failure(login), { status: 403, code: 'user_disabled' });
});

test('PATCH disabled: false enables the user again, who can log in', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, { disabled: true });
  const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, { disabled: false });
  assert.deepEqual(res.json(), publicUser(user));
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } });
  assert.equal(login.statusCode, 200);
});

test('PATCH role promotes at once: the same token of the new admin passes the admin guard', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, { role: 'admin' });
  assert.deepEqual(res.json(), publicUser(user, { role: 'admin' }));
  assert.equal((await call(ctx.app, user.tokens.access_token, 'GET', '/admin/users')).statusCode, 200);
});

test('a demoted admin loses admin access at once, even with a token that still says "admin"', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const other = await makeAdmin(ctx);
  const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${other.userId}`, { role: 'user' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(failure(await call(ctx.app, other.token, 'GET', '/admin/users')), { status: 403, code: 'insufficient_role' });
});

test('PATCH refuses an empty body, an unknown field, a malformed role or a non-boolean disabled: 400 validation_failed', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  for (const body of [{}, { password_hash: 'x' }, { role: 'Admin!' }, { role: '' }, { role: 'a'.repeat(65) }, { disabled: 'yes' }]) {
    const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, body);
    assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' }, JSON.stringify(body));
  }
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'PATCH', '/admin/users/nobody', { disabled: true })), { status: 404, code: 'user_not_found' });
});

test('PATCH refuses a role not declared in ROLES with 400 unknown_role and changes nothing; a declared one is given', async (t) => {
  const ctx = await createTestApp({ ROLES: 'user,admin,editor' });
  t.after(() => ctx.close());
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const url = `/admin/users/${user.userId}`;
  const refused = await call(ctx.app, admin.token, 'PATCH', url, { role: 'superuser' });
  assert.deepEqual(failure(refused), { status: 400, code: 'unknown_role' });
  assert.match(refused.json().message, /"superuser" is not declared in ROLES \(user, admin, editor\)/);
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'PATCH', url, { role: 'superuser', disabled: true })), { status: 400, code: 'unknown_role' });
  assert.deepEqual((await call(ctx.app, admin.token, 'GET', url)).json(), publicUser(user));
  const given = await call(ctx.app, admin.token, 'PATCH', url, { role: 'editor' });
  assert.equal(given.statusCode, 200);
  assert.deepEqual(given.json(), publicUser(user, { role: 'editor' }));
});

test('with the default ROLES, only user and admin may be given: editor answers 400 unknown_role', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const res = await call(ctx.app, admin.token, 'PATCH', `/admin/users/${user.userId}`, { role: 'editor' });
  assert.deepEqual(failure(res), { status: 400, code: 'unknown_role' });
});

test('the last active admin cannot be demoted, disabled or deleted: 409 last_admin, nothing changes', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const url = `/admin/users/${admin.userId}`;
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'PATCH', url, { role: 'user' })), { status: 409, code: 'last_admin' });
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'PATCH', url, { disabled: true })), { status: 409, code: 'last_admin' });
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'DELETE', url)), { status: 409, code: 'last_admin' });
  assert.deepEqual((await call(ctx.app, admin.token, 'GET', url)).json(), publicUser(admin, { role: 'admin' }));
  assert.equal((await me(ctx.app, admin.token)).statusCode, 200);
});

test('with a second active admin, an admin may step down; a disabled admin does not count', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const second = await makeAdmin(ctx);
  assert.equal((await call(ctx.app, second.token, 'PATCH', `/admin/users/${admin.userId}`, { disabled: true })).statusCode, 200);
  // the first admin is disabled, so the second is the last active one
  const res = await call(ctx.app, second.token, 'PATCH', `/admin/users/${second.userId}`, { role: 'user' });
  assert.deepEqual(failure(res), { status: 409, code: 'last_admin' });
});

test('two admins demoting each other at once leave at least one admin', async (t) => {
  const ctx = await setup(t);
  const a = await makeAdmin(ctx);
  const b = await makeAdmin(ctx);
  await Promise.all([
    call(ctx.app, a.token, 'PATCH', `/admin/users/${b.userId}`, { role: 'user' }),
    call(ctx.app, b.token, 'PATCH', `/admin/users/${a.userId}`, { role: 'user' }),
  ]);
  assert.ok((await ctx.stores.users.countActiveByRole('admin')) >= 1);
});

test('DELETE /admin/users/:id deletes the user and their access token fails at once; again answers 404', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const res = await call(ctx.app, admin.token, 'DELETE', `/admin/users/${user.userId}`);
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  assert.deepEqual(failure(await me(ctx.app, user.tokens.access_token)), { status: 401, code: 'session_revoked' });
  assert.equal(await ctx.stores.users.findById(user.userId), null);
  assert.deepEqual(failure(await call(ctx.app, admin.token, 'DELETE', `/admin/users/${user.userId}`)), { status: 404, code: 'user_not_found' });
});

test('GET /admin/users/:id/sessions lists the live sessions; DELETE ends them all and answers how many', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  const user = await registerUser(ctx.app);
  const login = await ctx.app.inject({
    method: 'POST', url: '/auth/login', headers: { 'user-agent': 'phone' }, payload: { username: user.username, password: PASSWORD },
  });
  const listed = await call(ctx.app, admin.token, 'GET', `/admin/users/${user.userId}/sessions`);
  assert.equal(listed.statusCode, 200);
  const sessions = (listed.json() as { sessions: Array<Record<string, unknown>> }).sessions;
  assert.equal(sessions.length, 2);
  assert.deepEqual(Object.keys(sessions[0]!).sort(), ['created_at', 'current', 'expires_at', 'id', 'ip', 'last_used_at', 'user_agent']);
  assert.equal(sessions.some((s) => s.user_agent === 'phone' && s.current === false), true);
  const revoked = await call(ctx.app, admin.token, 'DELETE', `/admin/users/${user.userId}/sessions`);
  assert.equal(revoked.statusCode, 200);
  assert.deepEqual(revoked.json(), { revoked: 2 });
  assert.deepEqual(failure(await me(ctx.app, user.tokens.access_token)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await me(ctx.app, login.json().access_token)), { status: 401, code: 'session_revoked' });
  assert.deepEqual((await call(ctx.app, admin.token, 'GET', `/admin/users/${user.userId}/sessions`)).json(), { sessions: [] });
  assert.equal((await me(ctx.app, admin.token)).statusCode, 200); // the admin's own session is untouched
});

test('the session endpoints of an unknown user answer 404 user_not_found', async (t) => {
  const ctx = await setup(t);
  const admin = await makeAdmin(ctx);
  for (const method of ['GET', 'DELETE'] as const) {
    assert.deepEqual(failure(await call(ctx.app, admin.token, method, '/admin/users/nobody/sessions')), { status: 404, code: 'user_not_found' });
  }
});

test('with sessions in Redis, disabling and deleting a user end their sessions at once', { skip: unavailable('REDIS_URL') }, async (t) => {
  const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  const ctx = await createTestApp({ REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix });
  ctx.clock.set(Date.now()); // Redis expires keys by its own clock
  t.after(async () => {
    await ctx.close();
    const client = new Redis(process.env.REDIS_URL!);
    await deleteRedisKeys(client, prefix);
    await client.quit();
  });
  const admin = await makeAdmin(ctx);
  const [disabled, deleted] = [await registerUser(ctx.app), await registerUser(ctx.app)];
  assert.equal((await call(ctx.app, admin.token, 'PATCH', `/admin/users/${disabled.userId}`, { disabled: true })).statusCode, 200);
  assert.deepEqual(failure(await me(ctx.app, disabled.tokens.access_token)), { status: 401, code: 'session_revoked' });
  assert.equal((await call(ctx.app, admin.token, 'DELETE', `/admin/users/${deleted.userId}`)).statusCode, 204);
  assert.deepEqual(failure(await me(ctx.app, deleted.tokens.access_token)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(await ctx.stores.sessions.listActiveForUser(deleted.userId, new Date(ctx.clock.now())), []);
});

const HOSTILE = ['/admin/users?q=a%00b', '/admin/users?q=%0Aadmin', '/admin/users?after=%00', '/admin/users?after=x%27%20or%201%3D1',
  '/admin/users?limit=1&limit=2', '/admin/users/a%00b', '/admin/users/%F0%9F%92%A9', `/admin/users/${'a'.repeat(65)}/sessions`];

for (const { backend, variable } of sqlBackends) {
  const skip = variable ? unavailable(variable) : false;
  test(`on ${backend.name}: hostile query, cursor and id values answer 400 validation_failed, and deletion ends the user's sessions`, { skip }, async (t) => {
    const { url, drop } = await backend.create();
    const ctx = await createTestApp({ DATABASE_URL: url });
    t.after(async () => { await ctx.close(); await drop(); });
    const admin = await makeAdmin(ctx);
    for (const path of HOSTILE) assert.deepEqual(failure(await call(ctx.app, admin.token, 'GET', path)), { status: 400, code: 'validation_failed' }, path);
    const user = await registerUser(ctx.app, { username: 'Zed_100', email: 'zed@example.com' });
    assert.deepEqual((await call(ctx.app, admin.token, 'GET', '/admin/users?q=zED_1')).json(), { users: [publicUser(user)], next_cursor: null });
    assert.equal((await call(ctx.app, admin.token, 'DELETE', `/admin/users/${user.userId}`)).statusCode, 204);
    assert.deepEqual(failure(await me(ctx.app, user.tokens.access_token)), { status: 401, code: 'session_revoked' });
    assert.deepEqual(await ctx.stores.sessions.listActiveForUser(user.userId, new Date(ctx.clock.now())), []);
  });
}
