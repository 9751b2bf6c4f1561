// Migrations applied to a database that already holds users (an upgrade, not a fresh start), on
// every SQL backend: 0002 makes the login columns compare bytes on MySQL and keeps every row.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { connectSql } from '../../src/storage/sql/connect.js';
import { createMigrator, migrateToLatest } from '../../src/storage/sql/migrations.js';
import { createSqlUserStore } from '../../src/storage/sql/user-store.js';
import { sqlBackends, unavailable } from './backends.js';
import { newUser } from './contract.js';

for (const { backend, variable } of sqlBackends) {
  describe(`migrations on ${backend.name}`, { skip: variable ? unavailable(variable) : false }, () => {
    test('0003_exact_login_keys keeps the users of 0001 and 0002 and makes their login keys exact', async (t) => {
      const { url, drop } = await backend.create();
      const conn = await connectSql(url);
      t.after(async () => {
        await conn.db.destroy();
        await drop();
      });
      // PostgreSQL: the migrator's tables in this test's own schema (see createMigrator)
      const schema = conn.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]!.s : undefined;
      const { error } = await createMigrator(conn.db, schema).migrateTo('0001_users_and_sessions');
      assert.equal(error, undefined);
      const users = createSqlUserStore(conn);
      const old = await users.create(newUser({ username: 'Zoe', email: 'zoe@example.com' }));
      assert.deepEqual(await migrateToLatest(conn.db, schema), ['0002_session_rotation_fingerprint', '0003_exact_login_keys', '0006_federated_identities']);
      const after = users; // its statements were prepared before the columns changed
      assert.deepEqual(await after.findByLogin('zoe'), old);
      assert.deepEqual(await after.findByLogin('zoe@example.com'), old);
      for (const key of ['zoé', 'zoe ', 'ZOE', 'zoe@exámple.com']) assert.equal(await after.findByLogin(key), null, key);
      await assert.rejects(after.create(newUser({ username: 'ZOE', email: 'other-zoe@example.com' })), { name: 'DuplicateUserError' });
    });
  });
}
