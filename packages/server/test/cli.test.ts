import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStores } from '../src/storage/create-stores.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function runCli(args: string[], env: Record<string, string>, input?: string) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, [CLI, ...args], { env: { PATH, HOME, ...env }, input, encoding: 'utf8' });
}

test('gatehouse secret prints 32 random bytes as hex, new each time', () => {
  const first = runCli(['secret'], {});
  const second = runCli(['secret'], {});
  assert.equal(first.status, 0);
  assert.match(first.stdout, /^[0-9a-f]{64}\n$/);
  assert.notEqual(first.stdout, second.stdout);
});

test('gatehouse user create reads the password from stdin and stores an admin with an argon2id hash', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir };
  const created = runCli(['user', 'create', '--username', 'Root', '--email', 'Root@Example.com', '--role', 'admin'], env,
    'correct horse battery staple\n');
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /Created user Root \(.+\) with role admin\./);
  assert.doesNotMatch(created.stdout + created.stderr, /correct horse/);

  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}`, migrate: false });
  t.after(() => stores.close());
  const user = await stores.users.findByLogin('root@example.com');
  assert.equal(user?.username, 'Root');
  assert.equal(user?.role, 'admin');
  assert.match(user?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

  const disabled = runCli(['user', 'disable', '--username', 'root'], env);
  assert.equal(disabled.status, 0, disabled.stderr);
  assert.equal((await stores.users.findById(user!.id))?.disabled, true);
});

test('gatehouse user create refuses a common password and a taken name with the reason', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const weak = runCli(['user', 'create', '--username', 'bob', '--email', 'bob@example.com'], { DATA_DIR: dir }, 'password\n');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /at least 8 characters|too common/);
  const ok = runCli(['user', 'create', '--username', 'bob', '--email', 'bob@example.com'], { DATA_DIR: dir }, 'a fine long passphrase\n');
  assert.equal(ok.status, 0, ok.stderr);
  const again = runCli(['user', 'create', '--username', 'BOB', '--email', 'other@example.com'], { DATA_DIR: dir }, 'a fine long passphrase\n');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /username is taken/);
});

test('an unknown command prints the usage and exits 2', () => {
  const res = runCli(['frobnicate'], {});
  assert.equal(res.status, 2);
  assert.match(res.stderr, /Usage: gatehouse <command>/);
});

test('a bad setting stops the CLI with a message naming the variable', () => {
  const res = runCli(['migrate'], { PORT: 'eighty' });
  assert.equal(res.status, 78);
  assert.match(res.stderr, /^gatehouse: PORT: /);
});
