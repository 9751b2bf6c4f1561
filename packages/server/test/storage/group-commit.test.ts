// Group commit on the embedded database (src/storage/sql/group-commit.ts): writes of one turn share
// a transaction, yet each answers for itself, and nothing resolves before the commit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { GroupCommit } from '../../src/storage/sql/group-commit.js';
import { SqliteGate } from '../../src/storage/sql/sqlite-gate.js';

let dir: string;
let db: SqliteDatabase.Database;
let reader: SqliteDatabase.Database; // another connection: sees only what was committed

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-group-'));
  db = new SqliteDatabase(join(dir, 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  reader = new SqliteDatabase(join(dir, 'g.db'));
});
after(() => {
  db?.close();
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: number, v: string) => () => db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(id, v).changes;
const count = () => reader.prepare('SELECT count(*) FROM t').pluck().get() as number;

test('writes of one turn each resolve with their own row count, once committed', async () => {
  const group = new GroupCommit(db);
  const before = count();
  const pending = [1, 2, 3].map((id) => group.add(insert(id, `v${id}`)));
  pending.push(group.add(() => db.prepare("UPDATE t SET v = 'x' WHERE id = 99").run().changes));
  assert.equal(count(), before, 'nothing runs before the turn ends');
  assert.deepEqual(await Promise.all(pending), [1, 1, 1, 0]);
  assert.equal(count(), before + 3, 'committed when they resolve');
});

test('a write that fails fails alone; the others of its batch are committed', async () => {
  const group = new GroupCommit(db);
  const results = await Promise.allSettled([group.add(insert(10, 'a')), group.add(insert(10, 'duplicate')), group.add(insert(11, 'b'))]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE|PRIMARY KEY/);
  assert.deepEqual(reader.prepare('SELECT v FROM t WHERE id IN (10, 11) ORDER BY id').pluck().all(), ['a', 'b']);
});

test('inside a transaction left open on the connection, every write of the batch fails, none is kept, and the cache hears of it', async () => {
  let rolledBack = 0;
  const group = new GroupCommit(db, () => { rolledBack += 1; });
  db.exec('BEGIN'); // the batch would otherwise ride on this transaction and resolve before any commit
  const results = await Promise.allSettled([group.add(insert(20, 'a')), group.add(insert(21, 'b'))]);
  db.exec('ROLLBACK');
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(reader.prepare('SELECT count(*) FROM t WHERE id IN (20, 21)').pluck().get(), 0);
  assert.equal(rolledBack, 1);
});

test('a batch due while a transaction holds the gate waits for it to end, then commits with what joined it', async () => {
  const gate = new SqliteGate();
  const group = new GroupCommit(db, undefined, gate);
  const open = gate.hold();
  const first = group.add(insert(40, 'a'));
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
  const second = group.add(insert(41, 'b'));
  const kept = () => reader.prepare('SELECT count(*) FROM t WHERE id IN (40, 41)').pluck().get();
  assert.equal(kept(), 0, 'nothing ran while the gate was closed');
  open();
  assert.deepEqual(await Promise.all([first, second]), [1, 1]);
  assert.equal(kept(), 2);
});

test('writes queued in a later turn form a batch of their own', async () => {
  const group = new GroupCommit(db);
  const first = group.add(insert(30, 'a'));
  await first;
  assert.equal(await group.add(insert(31, 'b')), 1);
  assert.equal(reader.prepare('SELECT count(*) FROM t WHERE id IN (30, 31)').pluck().get(), 2);
});
