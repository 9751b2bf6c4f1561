// The `gatehouse` command line: help and usage, unknown commands and flags, missing or bad values
// (one line naming the flag, exit 2), settings errors (78), and `user create` with ROLES.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createStores } from '../src/storage/create-stores.js';
import { afterDatabaseLine, runCli, tempDataDir } from './cli/run-cli.js';

const SEE_HELP = '; see gatehouse --help\n';

/** A usage mistake: exit 2, exactly this one line on stderr, nothing on stdout. */
function assertUsageError(args: string[], message: string, env: Record<string, string> = {}) {
  const res = runCli(args, env);
  assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
  assert.equal(res.stderr, `gatehouse: ${message}`, args.join(' '));
  assert.equal(res.stdout, '');
}

/** stderr after the line every database command starts with (which database it uses). */

test('gatehouse secret prints 32 random bytes as hex, new each time', () => {
  const first = runCli(['secret'], {});
  const second = runCli(['secret'], {});
  assert.equal(first.status, 0);
  assert.match(first.stdout, /^[0-9a-f]{64}\n$/);
  assert.notEqual(first.stdout, second.stdout);
});

test('--help, -h and help print the usage to stdout and exit 0, after a command too', () => {
  for (const args of [['--help'], ['-h'], ['help'], ['user', 'delete', '--help'], ['frob', '-h']]) {
    const res = runCli(args, {});
    assert.equal(res.status, 0, args.join(' '));
    assert.match(res.stdout, /^Usage: gatehouse <command> \[flags\]\n/);
    for (const command of ['user list', 'user delete', 'user set-password', 'user role', 'ROLES']) assert.ok(res.stdout.includes(command), command);
    assert.equal(res.stderr, '');
  }
});

test('no command prints the usage to stderr and exits 2', () => {
  const res = runCli([], {});
  assert.equal(res.status, 2);
  assert.match(res.stderr, /^Usage: gatehouse <command> \[flags\]\n/);
  assert.equal(res.stdout, '');
});

/** Where a usage line's description starts; undefined for a long command described on the next line. */
function descriptionColumn(line: string): number | undefined {
  if (/^ {3,}\S/.test(line)) return line.search(/\S/); // a description continued
  const gap = /\S( {2,})\S/.exec(line);
  return gap ? gap.index + 1 + gap[1]!.length : undefined;
}

test('the usage keeps every description in one column, within 100 characters a line', () => {
  const lines = runCli(['--help'], {}).stdout.trimEnd().split('\n');
  const column = lines.find((line) => line.startsWith('  serve'))!.indexOf('start');
  for (const line of lines.filter((l) => l.startsWith('  '))) {
    const start = descriptionColumn(line);
    if (start !== undefined) assert.equal(start, column, line);
  }
  for (const line of lines) assert.ok(line.length <= 100, line);
});

test('an unknown command is named as unknown and exits 2', () => {
  assertUsageError(['frob'], `unknown command 'frob'${SEE_HELP}`);
  assertUsageError(['user', 'frob'], `unknown command 'user frob'${SEE_HELP}`);
  assertUsageError(['user'], `'user' needs a subcommand: list, create, set-password, role, verify-email, delete, disable, enable, reset-mfa, import${SEE_HELP}`);
  assertUsageError(['keys', '--yes'], `'keys' needs a subcommand: rotate${SEE_HELP}`);
});

test('an unknown flag or argument is one line naming it, never parseArgs\'s text, and exits 2', () => {
  assertUsageError(['user', 'list', '--frob'], `unknown flag '--frob' for 'user list'${SEE_HELP}`);
  assertUsageError(['user', 'create', '-u', 'bob'], `unknown flag '-u' for 'user create'${SEE_HELP}`);
  assertUsageError(['user', 'list', '--username', 'bob'], `unknown flag '--username' for 'user list'${SEE_HELP}`);
  assertUsageError(['--frob'], `unknown flag '--frob' before a command${SEE_HELP}`);
  assertUsageError(['user', 'list', 'everyone'], `unexpected argument 'everyone' for 'user list'${SEE_HELP}`);
  assertUsageError(['secret', '--', '--json'], `unexpected argument '--json' for 'secret'${SEE_HELP}`);
});

test('a flag without its value, a value on a switch, a repeated flag or a malformed id is one line naming the flag, exit 2', () => {
  assertUsageError(['user', 'create', '--email', 'a@example.com', '--username'], '--username needs a value\n');
  assertUsageError(['user', 'create', '--username', '--email', 'a@example.com'], '--username needs a value\n');
  assertUsageError(['user', 'create', '--username=', '--email', 'a@example.com'], '--username needs a value\n');
  assertUsageError(['user', 'list', '--json=yes'], '--json takes no value\n');
  assertUsageError(['user', 'role', '--username', 'a', '--username', 'b', '--role', 'user'], '--username is given twice\n');
  assertUsageError(['user', 'disable', '--id', "1' or '1'='1"], "--id must be a user id (letters, digits and -); got '1' or '1'='1'\n");
});

test('a missing required flag is named, and --username with --id is refused, exit 2', () => {
  assertUsageError(['user', 'create', '--username', 'bob'], "'user create' needs --email\n");
  assertUsageError(['user', 'create', '--email', 'bob@example.com'], "'user create' needs --username\n");
  assertUsageError(['user', 'role', '--username', 'bob'], "'user role' needs --role\n");
  for (const command of ['set-password', 'role', 'delete', 'disable', 'enable']) {
    assertUsageError(['user', command], `'user ${command}' needs --username or --id\n`);
  }
  assertUsageError(['user', 'delete', '--username', 'bob', '--id', 'x', '--yes'], "'user delete' takes --username or --id, not both\n");
});

test('a usage mistake is reported before the settings are read', () => {
  assertUsageError(['user', 'list', '--frob'], `unknown flag '--frob' for 'user list'${SEE_HELP}`, { PORT: 'eighty' });
});

test('a bad setting stops the CLI with a message naming the variable', () => {
  const res = runCli(['migrate'], { PORT: 'eighty' });
  assert.equal(res.status, 78);
  assert.match(res.stderr, /^gatehouse: PORT: /);
  const roles = runCli(['user', 'list'], { ROLES: 'user,editor' });
  assert.equal(roles.status, 78);
  assert.equal(roles.stderr, 'gatehouse: ROLES: must include admin (user and admin are built in); got "user,editor"\n');
});

test('gatehouse user create reads the password from stdin and stores an admin with an argon2id hash', async (t) => {
  const dir = tempDataDir(t);
  const env = { DATA_DIR: dir };
  const created = runCli(['user', 'create', '--username', 'Root', '--email', 'Root@Example.com', '--role', 'admin'], env,
    'correct horse battery staple\n');
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /^Created user Root \(.+\) with role admin\.\n$/);
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

test('gatehouse user create refuses a common password and a taken name with the reason, exit 1', (t) => {
  const env = { DATA_DIR: tempDataDir(t) };
  const weak = runCli(['user', 'create', '--username', 'bob', '--email', 'bob@example.com'], env, 'password\n');
  assert.equal(weak.status, 1);
  assert.equal(afterDatabaseLine(weak.stderr), 'gatehouse: This password is too common; choose another.\n');
  const ok = runCli(['user', 'create', '--username', 'bob', '--email', 'bob@example.com'], env, 'a fine long passphrase\n');
  assert.equal(ok.status, 0, ok.stderr);
  const again = runCli(['user', 'create', '--username', 'BOB', '--email', 'other@example.com'], env, 'a fine long passphrase\n');
  assert.equal(again.status, 1);
  assert.equal(afterDatabaseLine(again.stderr), 'gatehouse: This username is taken.\n');
});

test('gatehouse user create refuses a role not declared in ROLES, naming ROLES, and creates nobody; a declared one is given', (t) => {
  const env = { DATA_DIR: tempDataDir(t) };
  const args = ['user', 'create', '--username', 'sam', '--email', 'sam@example.com', '--role', 'superuser'];
  const refused = runCli(args, env, 'a fine long passphrase\n');
  assert.equal(refused.status, 2);
  assert.equal(refused.stderr, "gatehouse: --role: 'superuser' is not declared in ROLES (user, admin)\n");
  assert.equal(runCli(['user', 'list', '--json'], env).stdout, '[]\n');
  const declared = runCli(args, { ...env, ROLES: 'user,admin,superuser' }, 'a fine long passphrase\n');
  assert.equal(declared.status, 0, declared.stderr);
  assert.match(declared.stdout, /with role superuser\.\n$/);
});

test('gatehouse user create with nothing on stdin says so and creates nobody, exit 1', (t) => {
  const env = { DATA_DIR: tempDataDir(t) };
  const res = runCli(['user', 'create', '--username', 'sam', '--email', 'sam@example.com'], env, '');
  assert.equal(res.status, 1);
  assert.equal(afterDatabaseLine(res.stderr), 'gatehouse: no password on stdin: pipe it in as one line\n');
  assert.equal(runCli(['user', 'list', '--json'], env).stdout, '[]\n');
});
