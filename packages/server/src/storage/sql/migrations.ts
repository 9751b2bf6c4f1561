// Schema migrations, written once with the query builder so the same steps serve SQLite,
// PostgreSQL and MySQL. Append new migrations; never edit one that has shipped.
import type { Kysely, Migration, MigrationResultSet } from 'kysely';
import { Migrator, MysqlAdapter, sql } from './kysely.js';
import { factorsMigration } from './migrations/0005-factors.js';
import { passkeysMigration } from './migrations/0007-passkeys.js';

const migrations: Record<string, Migration> = {
  '0001_users_and_sessions': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(32)', (c) => c.notNull())
        .addColumn('username_key', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('full_name', 'varchar(255)')
        .addColumn('role', 'varchar(64)', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('current_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('previous_hash', 'varchar(64)')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('rotated_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('ip', 'varchar(64)')
        .addColumn('user_agent', 'varchar(512)')
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('sessions').execute();
      await db.schema.dropTable('users').execute();
    },
  },
  // The client a rotation is bound to, for the grace window (core/sessions/fingerprint.ts): an HMAC, hex.
  '0002_session_rotation_fingerprint': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('sessions').addColumn('rotation_fingerprint', 'varchar(64)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('sessions').dropColumn('rotation_fingerprint').execute();
    },
  },
  '0003_exact_login_keys': {
    // MySQL's default collations ignore case and accents (utf8mb4_general_ci, utf8mb4_0900_ai_ci):
    // "álice" found "alice" while the login throttle counted it apart. The login columns compare
    // bytes from here on, as SQLite (BINARY) and PostgreSQL (deterministic collations) already do.
    async up(db: Kysely<any>) {
      if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
      const collation = sql.raw(await binaryCollation(db));
      await sql`alter table users
        modify username varchar(32) character set utf8mb4 collate ${collation} not null,
        modify username_key varchar(32) character set utf8mb4 collate ${collation} not null,
        modify email varchar(254) character set utf8mb4 collate ${collation} not null`.execute(db);
    },
  },
  // Mail (docs/email.md): verified addresses, one-time tokens for mailed links, the durable outbox.
  '0004_email_and_outbox': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema
        .createTable('one_time_tokens')
        .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('subject', 'varchar(254)')
        .addColumn('code_hash', 'varchar(64)')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .execute();
      await db.schema.createIndex('one_time_tokens_user_purpose').on('one_time_tokens').columns(['user_id', 'purpose']).execute();
      await db.schema.createIndex('one_time_tokens_expires_at').on('one_time_tokens').column('expires_at').execute();
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('recipient', 'varchar(254)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'varchar(500)')
        .addColumn('given_up', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['given_up', 'next_attempt_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('outbox').execute();
      await db.schema.dropTable('one_time_tokens').execute();
      await db.schema.alterTable('users').dropColumn('email_verified').execute();
    },
  },
  // Issue 16: how each session was authenticated (amr, auth_time), TOTP factors, recovery codes
  // and the pending second step of a login (core/login/). Factor rows go with their user.
  '0005_factors': factorsMigration,
  // Sign-in through other identity providers (docs/federation.md): the linked identities, and the
  // single-use tickets of a login in flight, stored hashed.
  '0006_federated_identities': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('federated_identities')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('subject', 'varchar(255)', (c) => c.notNull())
        .addColumn('email', 'varchar(254)')
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .execute();
      if (db.getExecutor().adapter instanceof MysqlAdapter) {
        // a subject is compared byte for byte ("abc" and "ABC" are two people), as in 0003
        const collation = sql.raw(await binaryCollation(db));
        await sql`alter table federated_identities
          modify provider varchar(32) character set utf8mb4 collate ${collation} not null,
          modify subject varchar(255) character set utf8mb4 collate ${collation} not null`.execute(db);
      }
      await db.schema.createIndex('federated_identities_subject').on('federated_identities').columns(['provider', 'subject']).unique().execute();
      await db.schema.createIndex('federated_identities_user_id').on('federated_identities').column('user_id').execute();
      await db.schema
        .createTable('federation_tickets')
        .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('federation_tickets_expires_at').on('federation_tickets').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('federation_tickets').execute();
      await db.schema.dropTable('federated_identities').execute();
    },
  },
  // Issue 16: passkeys and the challenges of their ceremonies (storage/types/passkeys.ts).
  '0007_passkeys': passkeysMigration,
};

/**
 * A binary collation without PAD SPACE where the server has one (MySQL 8: utf8mb4_0900_bin;
 * MariaDB 10.2+: utf8mb4_nopad_bin), so "alice " is not "alice" either; utf8mb4_bin otherwise.
 */
async function binaryCollation(db: Kysely<any>): Promise<string> {
  const preferred = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'];
  const { rows } = await sql<{ name: string }>`select collation_name as name from information_schema.collations
    where collation_name in (${sql.join(preferred)})`.execute(db);
  return preferred.find((name) => rows.some((row) => row.name === name)) ?? 'utf8mb4_bin';
}

/**
 * `schema` names where the migrator's own tables live. Needed on PostgreSQL: without it Kysely
 * counts those tables as present when any schema of the database has them, and a second
 * Gatehouse in another schema (search_path) then fails on the first lock query.
 */
export function createMigrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'gatehouse_migrations',
    migrationLockTableName: 'gatehouse_migrations_lock',
    migrationTableSchema: schema,
  });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  const { error, results } = await createMigrator(db, schema).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return appliedNames(results);
}

function appliedNames(results: MigrationResultSet['results']): string[] {
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
