// Migration 0005, second factors (docs/mfa.md): how each session was authenticated (amr, auth_time), the TOTP factor
// (its secret encrypted, core/mfa/secret-box.ts), recovery codes (keyed hashes) and login challenges,
// the pending second step of a login (core/login/), of which only the token's SHA-256 is kept.
import type { Kysely, Migration } from 'kysely';

export const factorsMigration: Migration = {
  async up(db: Kysely<any>) {
    // one column a statement: SQLite alters one at a time
    await db.schema.alterTable('sessions').addColumn('amr', 'varchar(64)').execute();
    await db.schema.alterTable('sessions').addColumn('auth_time', 'bigint').execute();
    await db.schema
      .createTable('mfa_totp')
      .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret', 'varchar(255)', (c) => c.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('last_used_step', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('mfa_recovery_codes')
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();
    await db.schema
      .createTable('login_challenges')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('amr', 'varchar(64)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('login_challenges_expires_at').on('login_challenges').column('expires_at').execute();
    await db.schema.createIndex('login_challenges_user_id').on('login_challenges').column('user_id').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('login_challenges').execute();
    await db.schema.dropTable('mfa_recovery_codes').execute();
    await db.schema.dropTable('mfa_totp').execute();
    await db.schema.alterTable('sessions').dropColumn('auth_time').execute();
    await db.schema.alterTable('sessions').dropColumn('amr').execute();
  },
};
