// Migrations applied to a database that already holds users (an upgrade, not a fresh start), on
// every SQL backend: 0003 makes the login columns compare bytes on MySQL, 0004 adds email_verified
// (0), and every row stays; 0005 keeps the sessions before it.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { connectSql } from '../../src/storage/sql/connect.js';
import { createMigrator, migrateToLatest } from '../../src/storage/sql/migrations.js';
import { createSqlUserStore } from '../../src/storage/sql/user-store.js';
import { sqlBackends, unavailable } from './backends.js';
import { createSqlSessionStore } from '../../src/storage/sql/session-store.js';
import { createSqlOutboxStore } from '../../src/storage/sql/outbox-store.js';
import { newSession, newUser } from './contract.js';

for (const { backend, variable } of sqlBackends) {
  describe(`migrations on ${backend.name}`, { skip: variable ? unavailable(variable) : false }, () => {
    /** A fresh database, dropped after the test; PostgreSQL: the migrator's tables in its own schema (see createMigrator). */
    async function freshDatabase(t: TestContext) {
      const { url, drop } = await backend.create();
      const conn = await connectSql(url);
      t.after(async () => {
        await conn.db.destroy();
        await drop();
      });
      const schema = conn.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]!.s : undefined;
      return { conn, schema };
    }

    test('later migrations keep the users of 0001; 0003 makes their login keys exact', async (t) => {
      const { conn, schema } = await freshDatabase(t);
      const { error } = await createMigrator(conn.db, schema).migrateTo('0001_users_and_sessions');
      assert.equal(error, undefined);
      const user = newUser({ username: 'Zoe', email: 'zoe@example.com' });
      const old = { ...user, updatedAt: user.createdAt };
      await conn.db.insertInto('users').values({ // the columns of 0001
        id: old.id, username: old.username, username_key: 'zoe', email: old.email, password_hash: old.passwordHash, full_name: null,
        role: old.role, disabled: 0, created_at: old.createdAt.getTime(), updated_at: old.createdAt.getTime(),
      } as never).execute();
      assert.deepEqual(await migrateToLatest(conn.db, schema),
        ['0002_session_rotation_fingerprint', '0003_exact_login_keys', '0004_email_and_outbox', '0005_factors', '0006_federated_identities',
          '0007_passkeys', '0008_credential_generation', '0010_audit_events_and_job_channels', '0011_webhooks', '0014_oauth_clients', '0015_owner_proof_and_challenge_generation', '0016_webhook_deliveries', '0017_client_sessions_and_consent', '0020_user_search_indexes']);
      const after = createSqlUserStore(conn);
      const found = await after.findByLogin('zoe');
      // 0015 trusts the ways an account held before it: the owner counts as proven at the migration
      assert.ok(found && found.ownerProvenAt.getTime() > old.createdAt.getTime(), 'proven when migrated');
      const migrated = { ...old, credentialGeneration: 0, ownerProvenAt: found!.ownerProvenAt, ownerProvenBefore: found!.ownerProvenAt };
      assert.deepEqual(found, migrated, 'an existing address is not verified; generation 0');
      assert.deepEqual(await after.findByLogin('zoe@example.com'), migrated);
      for (const key of ['zoé', 'zoe ', 'ZOE', 'zoe@exámple.com']) assert.equal(await after.findByLogin(key), null, key);
      await assert.rejects(after.create(newUser({ username: 'ZOE', email: 'other-zoe@example.com' })), { name: 'DuplicateUserError' });
    });

    test('0005_factors keeps the sessions before it: they read with no amr and their creation time as auth time', async (t) => {
      const { conn, schema } = await freshDatabase(t);
      assert.equal((await createMigrator(conn.db, schema).migrateTo('0004_email_and_outbox')).error, undefined);
      const user = await createSqlUserStore(conn).create(newUser());
      const session = newSession(user.id);
      await conn.db.insertInto('sessions').values({
        id: session.id, user_id: user.id, current_hash: session.currentHash, previous_hash: null, generation: 0,
        rotated_at: session.rotatedAt.getTime(), rotation_fingerprint: null, created_at: session.createdAt.getTime(),
        expires_at: session.expiresAt.getTime(), last_used_at: session.lastUsedAt.getTime(), revoked_at: null, ip: session.ip, user_agent: session.userAgent,
      } as never).execute();
      assert.deepEqual(await migrateToLatest(conn.db, schema), ['0005_factors', '0006_federated_identities', '0007_passkeys', '0008_credential_generation', '0010_audit_events_and_job_channels', '0011_webhooks', '0014_oauth_clients', '0015_owner_proof_and_challenge_generation', '0016_webhook_deliveries', '0017_client_sessions_and_consent', '0020_user_search_indexes']);
      assert.deepEqual(await createSqlSessionStore(conn).findById(user.id, session.id), { ...session, amr: [], authTime: session.createdAt });
    });

    test('0010 keeps the outbox rows before it, as mail rows a mail claim takes', async (t) => {
      const { conn, schema } = await freshDatabase(t);
      assert.equal((await createMigrator(conn.db, schema).migrateTo('0007_passkeys')).error, undefined);
      await conn.db.insertInto('outbox').values({
        id: '019b76da-a800-7000-8000-000000000001', kind: 'verify_email', recipient: 'ann@example.com', payload: 'sealed',
        created_at: 1, attempts: 0, next_attempt_at: 1, last_error: null, given_up: 0,
      } as never).execute();
      assert.deepEqual(await migrateToLatest(conn.db, schema), ['0008_credential_generation', '0010_audit_events_and_job_channels', '0011_webhooks', '0014_oauth_clients', '0015_owner_proof_and_challenge_generation', '0016_webhook_deliveries', '0017_client_sessions_and_consent', '0020_user_search_indexes']);
      const claimed = await createSqlOutboxStore(conn).claimDue(new Date(2), 10, 1000);
      assert.deepEqual(claimed.map((row) => [row.id, row.channel]), [['019b76da-a800-7000-8000-000000000001', 'mail']]);
    });
  });
}
