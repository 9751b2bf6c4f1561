// What Gatehouse writes to disk is readable by its owner only: the SQLite database (password
// hashes) with its -wal and -shm files 0600, the development secret and the key set 0600, and
// the folders it makes for them 0700. Run under umask 022, where a default file is 0644.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createGatehouse } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { loadAccessKeyRing } from '../../src/config/signing-keys.js';
import { systemClock } from '../../src/core/clock.js';
import { connectSql } from '../../src/storage/sql/connect.js';
import { migrateToLatest } from '../../src/storage/sql/migrations.js';
import { PASSWORD } from '../helpers.js';

process.umask(0o022);
const POSIX = process.platform !== 'win32';
const modeOf = (path: string) => statSync(path).mode & 0o777;

function tempRoot(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-modes-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function assertModes(expected: Record<string, number>): void {
  const actual = Object.fromEntries(Object.keys(expected).map((path) => [path, modeOf(path).toString(8)]));
  assert.deepEqual(actual, Object.fromEntries(Object.entries(expected).map(([path, mode]) => [path, mode.toString(8)])));
}

test('a new SQLite database: the folders made for it 0700, the file and its -wal and -shm 0600', { skip: !POSIX }, async (t) => {
  const root = tempRoot(t);
  const path = join(root, 'a', 'b', 'gatehouse.db');
  const conn = await connectSql(`sqlite:${path}`);
  t.after(() => conn.db.destroy());
  await migrateToLatest(conn.db); // writes, so the WAL and its index exist
  assertModes({ [join(root, 'a')]: 0o700, [join(root, 'a', 'b')]: 0o700, [path]: 0o600, [`${path}-wal`]: 0o600, [`${path}-shm`]: 0o600 });
});

test('a database, -wal and -shm an earlier start left 0644 are made 0600; an existing folder keeps its mode', { skip: !POSIX }, async (t) => {
  const root = tempRoot(t);
  chmodSync(root, 0o755);
  const path = join(root, 'gatehouse.db');
  const earlier = new SqliteDatabase(path); // still open, as another process would hold it
  t.after(() => earlier.close());
  earlier.pragma('journal_mode = WAL');
  earlier.exec('create table t (x integer)');
  for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
  const conn = await connectSql(`sqlite:${path}`);
  t.after(() => conn.db.destroy());
  assertModes({ [root]: 0o755, [path]: 0o600, [`${path}-wal`]: 0o600, [`${path}-shm`]: 0o600 });
});

test('a development start in a new DATA_DIR: the folder 0700; database, its -wal and -shm, and the secret 0600', { skip: !POSIX }, async (t) => {
  const dataDir = join(tempRoot(t), 'data');
  const { app } = await createGatehouse(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  t.after(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'modes', email: 'modes@example.com', password: PASSWORD } });
  assert.equal(res.statusCode, 201, res.body);
  const db = join(dataDir, 'gatehouse.db');
  assertModes({ [dataDir]: 0o700, [db]: 0o600, [`${db}-wal`]: 0o600, [`${db}-shm`]: 0o600, [join(dataDir, 'secret')]: 0o600 });
});

test('a generated key set: its folder 0700 and the file 0600', { skip: !POSIX }, async (t) => {
  const dataDir = join(tempRoot(t), 'keys', 'data');
  await loadAccessKeyRing(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, JWT_ALG: 'EdDSA' }), systemClock);
  assertModes({ [join(dataDir, '..')]: 0o700, [dataDir]: 0o700, [join(dataDir, 'jwt-keys.json')]: 0o600 });
});
