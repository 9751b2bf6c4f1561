// `gatehouse user list / set-password / role / delete` end to end: the CLI runs as a child process
// on the database of a test app, as an operator would run it beside the server, and the app then
// shows the effect: who can log in, which sessions still work.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { bearer, createTestApp, failure, PASSWORD, registerUser, type TestApp } from './helpers.js';
import { afterDatabaseLine, runCli } from './cli/run-cli.js';
import { deleteRedisKeys, unavailable } from './storage/backends.js';

const NEW_PASSWORD = 'a brand new passphrase';

/** stderr after the line every database command starts with (which database it uses). */

async function setup(t: TestContext, env: Record<string, string> = {}): Promise<{ ctx: TestApp; env: Record<string, string> }> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return { ctx, env: { DATA_DIR: ctx.dir, ...env } };
}

const login = (app: FastifyInstance, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });

/** A registered user with a second session from a second login; both sessions' access tokens. */
async function userWithTwoSessions(app: FastifyInstance, username?: string) {
  const user = await registerUser(app, username ? { username } : {});
  const second = await login(app, user.username, PASSWORD);
  assert.equal(second.statusCode, 200);
  return { ...user, accessTokens: [user.tokens.access_token, (second.json() as { access_token: string }).access_token] };
}

async function makeAdmin(ctx: TestApp, username: string) {
  const user = await registerUser(ctx.app, { username });
  await ctx.stores.users.update(user.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  return user;
}

test('user list prints every user in an aligned table, never a hash; --json prints the admin API\'s user objects', async (t) => {
  const { ctx, env } = await setup(t);
  const admin = await makeAdmin(ctx, 'alice');
  const bob = await registerUser(ctx.app, { username: 'bob_the_builder', email: 'bob@example.com' });
  await ctx.stores.users.update(bob.userId, { disabled: true }, new Date(ctx.clock.now()));
  const created = '2026-01-01T12:00:00Z';

  const table = runCli(['user', 'list'], env);
  assert.equal(table.status, 0, table.stderr);
  const pad = (text: string, width: number) => text.padEnd(width);
  assert.equal(table.stdout, [
    `${pad('ID', 36)}  USERNAME         EMAIL              ROLE   DISABLED  CREATED`,
    `${admin.userId}  alice            alice@example.com  admin  no        ${created}`,
    `${bob.userId}  bob_the_builder  bob@example.com    user   yes       ${created}`,
  ].join('\n') + '\n');

  const json = runCli(['user', 'list', '--json'], env);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), [
    { id: admin.userId, username: 'alice', email: 'alice@example.com', email_verified: false, full_name: null, role: 'admin', disabled: false, created_at: '2026-01-01T12:00:00.000Z' },
    { id: bob.userId, username: 'bob_the_builder', email: 'bob@example.com', email_verified: false, full_name: null, role: 'user', disabled: true, created_at: '2026-01-01T12:00:00.000Z' },
  ]);
  assert.doesNotMatch(table.stdout + json.stdout, /argon2|password/i);
});

test('user list on an empty database says how to add a user; --json prints []', async (t) => {
  const { env } = await setup(t);
  assert.equal(runCli(['user', 'list'], env).stdout, 'No users yet; add one with gatehouse user create.\n');
  assert.equal(runCli(['user', 'list', '--json'], env).stdout, '[]\n');
});

test('user set-password reads stdin: the old password stops working, the new one logs in, and every session of the user ended', async (t) => {
  const { ctx, env } = await setup(t);
  const user = await userWithTwoSessions(ctx.app);
  const other = await registerUser(ctx.app);
  const res = runCli(['user', 'set-password', '--username', user.username], env, `${NEW_PASSWORD}\n`);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, `Set a new password for ${user.username} (${user.userId}); 2 sessions ended.\n`);
  assert.doesNotMatch(res.stdout + res.stderr, /brand new/);

  for (const token of user.accessTokens) assert.deepEqual(failure(await me(ctx.app, token)), { status: 401, code: 'session_revoked' });
  const { access_token, refresh_token } = user.tokens;
  const refresh = await ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { access_token, refresh_token } });
  assert.deepEqual(failure(refresh), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await login(ctx.app, user.username, PASSWORD)), { status: 401, code: 'invalid_credentials' });
  assert.equal((await login(ctx.app, user.username, NEW_PASSWORD)).statusCode, 200);
  assert.equal((await me(ctx.app, other.tokens.access_token)).statusCode, 200); // nobody else's session ended
});

test('user set-password by --id applies the password policy, and a refused password changes nothing', async (t) => {
  const { ctx, env } = await setup(t);
  const user = await registerUser(ctx.app);
  for (const [input, message] of [
    ['short\n', 'The password must have at least 8 characters.'],
    ['password1\n', 'This password is too common; choose another.'],
    [`${user.username}\n`, 'The password must not be the username or email.'],
    ['', 'no password on stdin: pipe it in as one line'],
  ] as const) {
    const res = runCli(['user', 'set-password', '--id', user.userId], env, input);
    assert.equal(res.status, 1, input);
    assert.equal(afterDatabaseLine(res.stderr), `gatehouse: ${message}\n`);
  }
  assert.equal((await me(ctx.app, user.tokens.access_token)).statusCode, 200);
  assert.equal((await login(ctx.app, user.username, PASSWORD)).statusCode, 200);
});

test('user delete without a terminal needs --yes (exit 2, nothing deleted); with it the user and every session end', async (t) => {
  const { ctx, env } = await setup(t);
  const user = await userWithTwoSessions(ctx.app);
  const unconfirmed = runCli(['user', 'delete', '--username', user.username], env, 'y\n');
  assert.equal(unconfirmed.status, 2);
  assert.equal(unconfirmed.stderr, "gatehouse: 'user delete' asks for confirmation: pass --yes when stdin is not a terminal\n");
  assert.equal((await me(ctx.app, user.accessTokens[0]!)).statusCode, 200);

  const res = runCli(['user', 'delete', '--id', user.userId, '--yes'], env);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, `Deleted user ${user.username} (${user.userId}); 2 sessions ended.\n`);
  for (const token of user.accessTokens) assert.deepEqual(failure(await me(ctx.app, token)), { status: 401, code: 'session_revoked' });
  assert.deepEqual(failure(await login(ctx.app, user.username, PASSWORD)), { status: 401, code: 'invalid_credentials' });
  assert.equal(await ctx.stores.users.findById(user.userId), null);
  assert.equal(runCli(['user', 'list', '--json'], env).stdout, '[]\n');
});

test('with sessions in Redis, user set-password and user delete end them', { skip: unavailable('REDIS_URL') }, async (t) => {
  const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  const { ctx, env } = await setup(t, { REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix });
  ctx.clock.set(Date.now()); // Redis expires keys by its own clock
  t.after(async () => {
    const client = new Redis(process.env.REDIS_URL!);
    await deleteRedisKeys(client, prefix);
    await client.quit();
  });
  const [reset, deleted] = [await userWithTwoSessions(ctx.app), await userWithTwoSessions(ctx.app)];
  const res = runCli(['user', 'set-password', '--username', reset.username], env, `${NEW_PASSWORD}\n`);
  assert.equal(res.stdout, `Set a new password for ${reset.username} (${reset.userId}); 2 sessions ended.\n`, res.stderr);
  const gone = runCli(['user', 'delete', '--username', deleted.username, '--yes'], env);
  assert.equal(gone.stdout, `Deleted user ${deleted.username} (${deleted.userId}); 2 sessions ended.\n`, gone.stderr);
  for (const token of [...reset.accessTokens, ...deleted.accessTokens]) {
    assert.deepEqual(failure(await me(ctx.app, token)), { status: 401, code: 'session_revoked' });
  }
  assert.deepEqual(await ctx.stores.sessions.listActiveForUser(deleted.userId, new Date()), []);
});

test('user delete and user role keep the last active admin: exit 1, nothing changes', async (t) => {
  const { ctx, env } = await setup(t);
  const admin = await makeAdmin(ctx, 'root');
  for (const args of [['delete', '--username', 'root', '--yes'], ['role', '--username', 'root', '--role', 'user']]) {
    const res = runCli(['user', ...args], env);
    assert.equal(res.status, 1, args.join(' '));
    assert.equal(afterDatabaseLine(res.stderr), 'gatehouse: This is the last active admin; make another admin first.\n');
  }
  assert.equal((await ctx.stores.users.findById(admin.userId))?.role, 'admin');
  await makeAdmin(ctx, 'second');
  const stepDown = runCli(['user', 'role', '--username', 'root', '--role', 'user'], env);
  assert.equal(stepDown.status, 0, stepDown.stderr);
  assert.equal(stepDown.stdout, `User root (${admin.userId}) now has role user.\n`);
});

test('user role gives a role declared in ROLES at once, and refuses another naming ROLES, exit 2', async (t) => {
  const { ctx, env } = await setup(t, { ROLES: 'user,admin,editor' });
  const user = await registerUser(ctx.app);
  const refused = runCli(['user', 'role', '--username', user.username, '--role', 'superuser'], env);
  assert.equal(refused.status, 2);
  assert.equal(refused.stderr, "gatehouse: --role: 'superuser' is not declared in ROLES (user, admin, editor)\n");
  assert.equal((await ctx.stores.users.findById(user.userId))?.role, 'user');

  const given = runCli(['user', 'role', '--id', user.userId, '--role', 'admin'], env);
  assert.equal(given.status, 0, given.stderr);
  assert.equal(given.stdout, `User ${user.username} (${user.userId}) now has role admin.\n`);
  // the same access token passes the admin guard: the role is read from the user row
  const admin = await ctx.app.inject({ method: 'GET', url: '/admin/users', headers: bearer(user.tokens.access_token) });
  assert.equal(admin.statusCode, 200);
});

test('a user named by an unknown --username or --id is reported, exit 1', async (t) => {
  const { env } = await setup(t);
  const cases: Array<[string[], string]> = [
    [['set-password', '--username', 'nobody'], "no user with username 'nobody'"],
    [['role', '--id', '0190a0a0-0000-7000-8000-000000000000', '--role', 'user'], "no user with id '0190a0a0-0000-7000-8000-000000000000'"],
    [['delete', '--username', 'nobody', '--yes'], "no user with username 'nobody'"],
    [['disable', '--username', 'nobody'], "no user with username 'nobody'"],
  ];
  for (const [args, message] of cases) {
    const res = runCli(['user', ...args], env, `${NEW_PASSWORD}\n`);
    assert.equal(res.status, 1, args.join(' '));
    assert.equal(afterDatabaseLine(res.stderr), `gatehouse: ${message}\n`);
  }
});

test('user verify-email marks the address verified, as /users/me then shows', async (t) => {
  const { ctx, env } = await setup(t);
  const user = await registerUser(ctx.app);
  assert.equal((await me(ctx.app, user.tokens.access_token)).json().email_verified, false);
  const run = runCli(['user', 'verify-email', '--username', user.username], env);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `The email address of ${user.username} (${user.email}) is now verified.\n`);
  assert.equal((await me(ctx.app, user.tokens.access_token)).json().email_verified, true);
});

test('user set-password is a remedy: a pending address change, reset and magic links of the user die with it', async (t) => {
  const { ctx, env } = await setup(t);
  const user = await registerUser(ctx.app);
  const now = new Date(ctx.clock.now());
  for (const purpose of ['change_email', 'reset_password', 'magic_link'] as const) {
    await ctx.stores.oneTimeTokens.issue({
      tokenHash: `${purpose}-pending-${user.userId}`, purpose, userId: user.userId, subject: null, codeHash: null, attempts: 0,
      createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), consumedAt: null,
    });
  }
  assert.equal(runCli(['user', 'set-password', '--username', user.username], env, `${NEW_PASSWORD}\n`).status, 0);
  for (const purpose of ['change_email', 'reset_password', 'magic_link'] as const) {
    assert.equal(await ctx.stores.oneTimeTokens.findLatest(user.userId, purpose, now), null, purpose);
  }
});

test('a command on the database says on stderr which database it uses, never its password, and warns on the development default', async (t) => {
  const { ctx, env } = await setup(t);
  const listed = runCli(['user', 'list'], env);
  assert.equal(listed.status, 0, listed.stderr);
  assert.equal(listed.stderr, `gatehouse: database SQLite, ${ctx.dir}/gatehouse.db (the development default: DATABASE_URL is not set; `
    + 'set it, or run where the server\'s settings are)\n');
  const named = runCli(['user', 'list'], { ...env, DATABASE_URL: `sqlite:${ctx.dir}/users.db` });
  assert.equal(named.stderr, `gatehouse: database SQLite, ${ctx.dir}/users.db\n`);
  const remote = runCli(['user', 'list'], { ...env, DATABASE_URL: 'postgres://gh:sekrit-password@127.0.0.1:1/app' });
  assert.match(remote.stderr, /^gatehouse: database postgres:\/\/127\.0\.0\.1:1\/app\n/);
  assert.doesNotMatch(remote.stderr, /sekrit-password/);
});
