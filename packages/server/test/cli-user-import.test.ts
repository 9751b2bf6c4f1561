// `gatehouse user import` end to end: the CLI runs as a child process on a test app's database, and
// the app then shows who can log in (docs/migrating.md). A bad line writes nothing; --skip-invalid
// writes the rest; a second run changes nothing, or overwrites profiles with --update.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, registerUser, type TestApp } from './helpers.js';
import { afterDatabaseLine, runCli } from './cli/run-cli.js';
import { PASSWORD, VECTORS } from './import/hash-vectors.js';

const SAMPLES = fileURLToPath(new URL('../../test/import/samples/', import.meta.url));

async function setup(t: TestContext): Promise<{ ctx: TestApp; env: Record<string, string>; file: (lines: unknown[]) => string }> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const file = (lines: unknown[]) => {
    const path = join(ctx.dir, `import-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
    return path;
  };
  return { ctx, env: { DATA_DIR: ctx.dir }, file };
}

const login = (ctx: TestApp, username: string, password: string) =>
  ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });

const GOOD = [
  { email: 'ada@example.com', username: 'ada', password_hash: VECTORS['pbkdf2-sha256'], email_verified: true },
  { id: '0190a5e4-4c3b-7d2e-9f10-1a2b3c4d5e6f', email: 'grace@example.com', full_name: 'Grace Hopper', password_hash: VECTORS.django },
];

test('a file with bad lines writes nothing, prints each bad line\'s number and reason, and exits 1', async (t) => {
  const { ctx, env, file } = await setup(t);
  await registerUser(ctx.app, { username: 'taken', email: 'taken@example.com' });
  const path = file([
    ...GOOD,
    '{"email": "broken"',
    { email: 'not an address' },
    { email: 'hash@example.com', password_hash: 'md5:5f4dcc3b5aa765d61d8327deb882cf99' },
    { email: 'ADA@example.com' },
    { email: 'other@example.com', username: 'Taken' },
    { email: 'role@example.com', role: 'root' },
  ]);
  const res = runCli(['user', 'import', path], env);
  assert.equal(res.status, 1);
  assert.equal(res.stdout, '');
  const lines = afterDatabaseLine(res.stderr).trim().split('\n');
  assert.match(lines[0]!, /^line 3: not JSON: /);
  assert.deepEqual(lines.slice(1), [
    'line 4: email: The email address is not valid.',
    'line 5: password_hash is in no format Gatehouse reads, or its cost is past the limits (see docs/migrating.md)',
    'line 6: email repeats line 1',
    'line 7: username belongs to another user',
    'line 8: role "root" is not declared in ROLES (user, admin)',
    'gatehouse: nothing was imported: 6 bad lines (fix them, or pass --skip-invalid to import the rest)',
  ]);
  assert.doesNotMatch(res.stderr, /5f4dcc3b/, 'a reason never echoes a hash');
  assert.equal((await ctx.stores.users.list({ limit: 10 })).length, 1, 'nothing was written');
});

test('--skip-invalid imports the good lines and lists the skipped ones; they log in with their old passwords', async (t) => {
  const { ctx, env, file } = await setup(t);
  const res = runCli(['user', 'import', '--skip-invalid', file([...GOOD, { email: 'x' }])], env);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, 'Imported: 2 created, 0 updated, 0 unchanged, 1 skipped.\n');
  assert.equal(afterDatabaseLine(res.stderr), 'skipped line 3: email: The email address is not valid.\n');
  assert.equal((await login(ctx, 'ada', PASSWORD)).statusCode, 200);
  assert.equal((await login(ctx, 'grace@example.com', PASSWORD)).statusCode, 200);
  const grace = await ctx.stores.users.findById(GOOD[1]!.id!);
  assert.deepEqual({ username: grace?.username, fullName: grace?.fullName, role: grace?.role }, { username: 'grace', fullName: 'Grace Hopper', role: 'user' });
});

test('a second run changes nothing (by id or email); --update overwrites the profile fields the lines give, never the hash', async (t) => {
  const { ctx, env, file } = await setup(t);
  assert.equal(runCli(['user', 'import', file(GOOD)], env).stdout, 'Imported: 2 created, 0 updated, 0 unchanged.\n');
  assert.equal((await login(ctx, 'ada', PASSWORD)).statusCode, 200); // ada's hash is argon2id now
  const again = runCli(['user', 'import', file(GOOD)], env);
  assert.equal(again.stdout, 'Imported: 0 created, 0 updated, 2 unchanged.\n', again.stderr);

  const changed = [{ ...GOOD[0], full_name: 'Ada King', password_hash: VECTORS.sha256 }, { ...GOOD[1], email: 'grace@example.com', role: 'admin' }];
  const updated = runCli(['user', 'import', '--update', file(changed)], env);
  assert.equal(updated.stdout, 'Imported: 0 created, 2 updated, 0 unchanged.\n', updated.stderr);
  const ada = (await ctx.stores.users.findByLogin('ada'))!;
  assert.equal(ada.fullName, 'Ada King');
  assert.match(ada.passwordHash, /^\$argon2id\$/);
  assert.equal((await ctx.stores.users.findById(GOOD[1]!.id!))!.role, 'admin');
  assert.equal((await ctx.stores.users.list({ limit: 10 })).length, 2);
});

test('- reads the lines from stdin', async (t) => {
  const { ctx, env } = await setup(t);
  const res = runCli(['user', 'import', '-'], env, `${JSON.stringify(GOOD[0])}\n`);
  assert.equal(res.status, 0, res.stderr);
  assert.equal((await login(ctx, 'ada@example.com', PASSWORD)).statusCode, 200);
});

test('usage mistakes exit 2 before anything is read', async (t) => {
  const { env } = await setup(t);
  assert.match(runCli(['user', 'import'], env).stderr, /'user import' needs FILE \(or - for stdin\)/);
  assert.equal(runCli(['user', 'import', 'x', 'y'], env).status, 2);
  assert.match(runCli(['user', 'import', 'x', '--from', 'okta'], env).stderr, /--from must be one of auth0, firebase, supabase/);
  assert.equal(runCli(['user', 'import', join(env.DATA_DIR!, 'missing.jsonl')], env).status, 1);
});

test('--from auth0 reads a user export and a password-hash export: bcrypt logs in, social identities are linked, blocked users disabled', async (t) => {
  const { ctx, env } = await setup(t);
  const res = runCli(['user', 'import', '--from', 'auth0', join(SAMPLES, 'auth0.ndjson')], env);
  assert.equal(res.stdout, 'Imported: 3 created, 0 updated, 0 unchanged.\n', res.stderr);
  assert.equal((await login(ctx, 'ada', PASSWORD)).statusCode, 200);
  assert.equal((await login(ctx, 'grace@example.com', PASSWORD)).statusCode, 200);
  const linus = (await ctx.stores.users.findByLogin('linus@example.com'))!;
  assert.deepEqual({ disabled: linus.disabled, fullName: linus.fullName, verified: linus.emailVerified }, { disabled: true, fullName: 'Linus', verified: true });
  const identity = await ctx.stores.federation.findIdentity('google', '103547991597142817347');
  assert.equal(identity?.userId, linus.id);
});

test('--from firebase with the project\'s hash parameters: the README\'s sample user logs in with user1password', async (t) => {
  const { ctx, env } = await setup(t);
  const without = runCli(['user', 'import', '--from', 'firebase', join(SAMPLES, 'firebase.json')], env);
  assert.equal(without.status, 1);
  assert.match(without.stderr, /--hash-config FILE/);
  const res = runCli(['user', 'import', '--from', 'firebase', '--hash-config', join(SAMPLES, 'firebase-hash-config.txt'), join(SAMPLES, 'firebase.json')], env);
  assert.equal(res.stdout, 'Imported: 2 created, 0 updated, 0 unchanged.\n', res.stderr);
  assert.equal((await login(ctx, 'user1@test.com', 'user1passwordX')).statusCode, 401);
  assert.equal((await login(ctx, 'user1@test.com', 'user1password')).statusCode, 200);
  const user2 = (await ctx.stores.users.findByLogin('user2@test.com'))!;
  assert.equal((await ctx.stores.federation.findIdentity('github', '583231'))?.userId, user2.id);
  assert.equal((await login(ctx, 'user2@test.com', 'anything at all')).statusCode, 401, 'no hash: no password login');
});

test('--from supabase keeps the UUIDs, logs in with encrypted_password, and reads confirmation, bans and identities', async (t) => {
  const { ctx, env } = await setup(t);
  const res = runCli(['user', 'import', '--from', 'supabase', join(SAMPLES, 'supabase.ndjson')], env);
  assert.equal(res.stdout, 'Imported: 2 created, 0 updated, 0 unchanged.\n', res.stderr);
  const margaret = (await ctx.stores.users.findById('0b6c1a52-8d1f-4b8e-9a57-2a4f3b1c9d10'))!;
  assert.deepEqual({ email: margaret.email, verified: margaret.emailVerified, name: margaret.fullName, created: margaret.createdAt.toISOString() },
    { email: 'margaret@example.com', verified: true, name: 'Margaret Hamilton', created: '2023-05-01T09:59:00.654Z' });
  assert.equal((await login(ctx, 'margaret@example.com', PASSWORD)).statusCode, 200);
  const dennis = (await ctx.stores.users.findById('5e0f7c1b-2d3a-4c5b-8e9f-0a1b2c3d4e5f'))!;
  assert.deepEqual({ disabled: dennis.disabled, verified: dennis.emailVerified }, { disabled: true, verified: false });
  assert.equal((await ctx.stores.federation.findIdentity('github', '872'))?.userId, dennis.id);
});
