// The embedded database keeps hot-read rows in memory (src/storage/sql/row-cache.ts). These tests
// hold it to its promise: a write through this connection is seen by the next read, a write by
// another connection once OTHERS_CHECK_MS have passed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connectSql, type SqlConnection } from '../../src/storage/sql/connect.js';
import { migrateToLatest } from '../../src/storage/sql/migrations.js';
import { createSqlUserStore } from '../../src/storage/sql/user-store.js';
import { createSqlSessionStore } from '../../src/storage/sql/session-store.js';
import type { SessionStore, UserStore } from '../../src/storage/types/stores.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { OTHERS_CHECK_MS } from '../../src/storage/sql/row-cache.js';
import { sqlite } from './backends.js';
import { newSession, newUser } from './contract.js';

interface Side {
  conn: SqlConnection;
  users: UserStore;
  sessions: SessionStore;
}

describe('SQLite hot-read cache', () => {
  let server: Side;
  let beside: Side; // a second connection to the same file, as `gatehouse user disable` would open
  let drop: () => Promise<void>;

  const open = async (url: string): Promise<Side> => {
    const conn = await connectSql(url);
    await migrateToLatest(conn.db); // the stores prepare their statements on tables that must exist
    return { conn, users: createSqlUserStore(conn), sessions: createSqlSessionStore(conn) };
  };

  before(async () => {
    const created = await sqlite.create();
    drop = created.drop;
    server = await open(created.url);
    beside = await open(created.url);
  });
  after(async () => {
    await server?.conn.db.destroy();
    await beside?.conn.db.destroy();
    await drop?.();
  });

  async function cachedUserAndSession() {
    const user = newUser();
    await server.users.create(user);
    const session = newSession(user.id);
    await server.sessions.create(session);
    // read twice: the second answer comes from the cache
    for (let i = 0; i < 2; i++) {
      assert.equal((await server.users.findById(user.id))?.disabled, false);
      assert.equal((await server.sessions.findById(user.id, session.id))?.revokedAt, null);
    }
    return { user, session };
  }

  test('serves repeated reads from memory: a raw write that skips the announcing paths goes unseen', async () => {
    // the reason every write must go through the query layer or prepareWrite (connect.ts, prepared.ts)
    const { user } = await cachedUserAndSession();
    server.conn.sqlite!.prepare('UPDATE users SET role = ? WHERE id = ?').run('admin', user.id);
    const first = await server.users.findById(user.id);
    assert.equal(first?.role, 'user');
    const second = await server.users.findById(user.id);
    assert.notEqual(second, first, 'each read gets its own record, so a caller cannot change the cached row');
    server.conn.rowCache!.written();
    assert.equal((await server.users.findById(user.id))?.role, 'admin');
  });

  test('a rotation updates the cached row to exactly what the database holds', async () => {
    const { user, session } = await cachedUserAndSession();
    const next = {
      currentHash: 'd'.repeat(64), previousHash: session.currentHash, generation: 1,
      rotatedAt: new Date(2000), rotationFingerprint: 'e'.repeat(64), expiresAt: new Date(8_000_000), lastUsedAt: new Date(2000),
    };
    assert.equal(await server.sessions.rotate(user.id, session.id, 'f'.repeat(64), next), false, 'a lost swap changes nothing');
    assert.deepEqual(await server.sessions.findById(user.id, session.id), await beside.sessions.findById(user.id, session.id));
    assert.equal(await server.sessions.rotate(user.id, session.id, session.currentHash, next), true);
    const cached = await server.sessions.findById(user.id, session.id);
    assert.deepEqual(cached, { ...session, ...next });
    await sleep(OTHERS_CHECK_MS + 1); // the other connection keeps a cache too: let it look again
    assert.deepEqual(cached, await beside.sessions.findById(user.id, session.id));
  });

  test('a rotation touches only the rotated session: the user and other sessions stay cached', async () => {
    const { user, session } = await cachedUserAndSession();
    const other = newSession(user.id);
    await server.sessions.create(other);
    assert.equal((await server.sessions.findById(user.id, other.id))?.ip, '127.0.0.1');
    assert.equal((await server.users.findById(user.id))?.role, 'user');
    // raw writes, unannounced: they show whether a read still comes from the cache
    server.conn.sqlite!.prepare('UPDATE sessions SET ip = ? WHERE id = ?').run('10.0.0.9', other.id);
    server.conn.sqlite!.prepare('UPDATE users SET role = ? WHERE id = ?').run('admin', user.id);
    assert.equal(await server.sessions.rotate(user.id, session.id, session.currentHash, {
      currentHash: 'c'.repeat(64), previousHash: session.currentHash, generation: 1,
      rotatedAt: new Date(1000), rotationFingerprint: 'e'.repeat(64), expiresAt: new Date(9_000_000), lastUsedAt: new Date(1000),
    }), true);
    assert.equal((await server.sessions.findById(user.id, session.id))?.currentHash, 'c'.repeat(64));
    assert.equal((await server.sessions.findById(user.id, other.id))?.ip, '127.0.0.1');
    assert.equal((await server.users.findById(user.id))?.role, 'user');
    server.conn.rowCache!.written();
  });

  test('a new session forgets only its own key: a cached "no such session" goes, the rest stays cached', async () => {
    const { user, session } = await cachedUserAndSession();
    const later = newSession(user.id);
    assert.equal(await server.sessions.findById(user.id, later.id), null); // remembered as missing
    server.conn.sqlite!.prepare('UPDATE users SET role = ? WHERE id = ?').run('admin', user.id); // raw, unannounced
    await server.sessions.create(later);
    assert.equal((await server.sessions.findById(user.id, later.id))?.id, later.id);
    assert.equal((await server.users.findById(user.id))?.role, 'user', 'the user row stayed cached');
    assert.equal((await server.sessions.findById(user.id, session.id))?.revokedAt, null);
    server.conn.rowCache!.written();
  });

  test('an insert into a table no cached read holds (the audit log, single-use tickets) leaves the cache alone', async () => {
    // the audit log's batched writer and the code flow's spent tickets write on every login, refresh
    // and token: emptying the cache each time sent the next reads of users and sessions to SQLite
    const { user, session } = await cachedUserAndSession();
    server.conn.sqlite!.prepare('UPDATE users SET role = ? WHERE id = ?').run('admin', user.id); // raw, unannounced
    await server.conn.db.insertInto('federation_tickets')
      .values({ hash: randomBytes(32).toString('hex'), kind: 'login', user_id: null, data: '{}', expires_at: 1 }).execute();
    await server.conn.db.insertInto('audit_events').values({
      id: '0190e4b2-0000-7000-8000-000000000001', time: 1, type: 'logout', actor_id: user.id, subject_id: user.id,
      ip: null, user_agent: null, session_id: session.id, data: '{}',
    }).execute();
    assert.equal((await server.users.findById(user.id))?.role, 'user', 'the user row stayed cached');
    await server.conn.db.updateTable('sessions').set({ ip: '10.0.0.1' }).where('id', '=', session.id).execute();
    assert.equal((await server.users.findById(user.id))?.role, 'admin', 'a write to a cached table still empties it');
  });

  test('cachedById answers from memory: one frozen record per cached row, a new one once the row changes', async () => {
    const { user, session } = await cachedUserAndSession();
    const first = server.sessions.cachedById!(user.id, session.id);
    assert.equal(server.sessions.cachedById!(user.id, session.id), first, 'a hit builds nothing');
    assert.ok(first && Object.isFrozen(first));
    await server.sessions.rotate(user.id, session.id, session.currentHash, {
      currentHash: 'd'.repeat(64), previousHash: session.currentHash, generation: 1,
      rotatedAt: new Date(1000), rotationFingerprint: 'e'.repeat(64), expiresAt: new Date(9_000_000), lastUsedAt: new Date(1000),
    });
    const rotated = server.sessions.cachedById!(user.id, session.id);
    assert.notEqual(rotated, first);
    assert.equal(rotated?.currentHash, 'd'.repeat(64));
    const missing = newSession(user.id);
    assert.equal(server.sessions.cachedById!(user.id, missing.id), undefined, 'never read: only findById can tell');
    assert.equal(await server.sessions.findById(user.id, missing.id), null);
    assert.equal(server.sessions.cachedById!(user.id, missing.id), null, 'read and missing');
    assert.equal(server.users.cachedById!(user.id)?.id, user.id);
    await server.users.update(user.id, { fullName: 'Changed' }, new Date());
    assert.equal(server.users.cachedById!(user.id), undefined, 'a write empties the cache');
    assert.equal((await server.users.findById(user.id))?.fullName, 'Changed');
    assert.equal(server.users.cachedById!(user.id)?.fullName, 'Changed');
  });

  test('a disable and a revoke by another connection are seen once OTHERS_CHECK_MS have passed', async () => {
    const { user, session } = await cachedUserAndSession();
    await beside.users.update(user.id, { disabled: true }, new Date());
    await beside.sessions.revoke(user.id, session.id, new Date(2_000_000_000_000));
    await sleep(OTHERS_CHECK_MS + 1);
    assert.equal((await server.users.findById(user.id))?.disabled, true);
    assert.deepEqual((await server.sessions.findById(user.id, session.id))?.revokedAt, new Date(2_000_000_000_000));
  });

  test('a delete by another connection is seen once OTHERS_CHECK_MS have passed', async () => {
    const { user, session } = await cachedUserAndSession();
    await beside.users.delete(user.id);
    await sleep(OTHERS_CHECK_MS + 1);
    assert.equal(await server.users.findById(user.id), null);
    assert.equal(await server.sessions.findById(user.id, session.id), null);
  });

  test('a write through this connection\'s query layer, outside the stores, is seen by the next read', async () => {
    const { user, session } = await cachedUserAndSession();
    await server.conn.db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
    await server.conn.db.updateTable('sessions').set({ revoked_at: 5 }).where('id', '=', session.id).execute();
    assert.equal((await server.users.findById(user.id))?.role, 'admin');
    // a write that returns rows is a "reader" to SQLite, and still a write
    await server.conn.db.updateTable('users').set({ role: 'auditor' }).where('id', '=', user.id).returning('id').execute();
    assert.equal((await server.users.findById(user.id))?.role, 'auditor');
    assert.deepEqual((await server.sessions.findById(user.id, session.id))?.revokedAt, new Date(5));
  });

  test('a rotation is seen by the next read, and a row that did not exist is found once created', async () => {
    const { user, session } = await cachedUserAndSession();
    const rotated = await server.sessions.rotate(user.id, session.id, session.currentHash, {
      currentHash: 'b'.repeat(64), previousHash: session.currentHash, generation: 1,
      rotatedAt: new Date(1000), rotationFingerprint: 'e'.repeat(64), expiresAt: new Date(9_000_000), lastUsedAt: new Date(1000),
    });
    assert.equal(rotated, true);
    assert.equal((await server.sessions.findById(user.id, session.id))?.currentHash, 'b'.repeat(64));
    const later = newSession(user.id);
    assert.equal(await server.sessions.findById(user.id, later.id), null);
    await beside.sessions.create(later);
    await sleep(OTHERS_CHECK_MS + 1);
    assert.equal((await server.sessions.findById(user.id, later.id))?.id, later.id);
  });
});
