// Migration 0017, the OpenID Connect provider's user side (docs/oidc.md): a session may belong to a
// relying party (the client it was opened for and the scope granted), and each user's consent to a
// client is kept, with its scope, until the user or an admin revokes it (grants go with their user);
// and the ID-token signing keys, their private keys sealed (core/oidc/id-token-keys.ts).
import type { Kysely, Migration } from 'kysely';
import { MysqlAdapter, sql } from '../kysely.js';
import { binaryCollation } from './collation.js';

export const clientSessionsAndConsentMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('sessions').addColumn('client_id', 'varchar(128)').execute();
    await db.schema.alterTable('sessions').addColumn('scope', 'varchar(1024)').execute();
    await db.schema
      .createTable('oauth_consent_grants')
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('scope', 'varchar(1024)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('oauth_consent_grants_pk', ['user_id', 'client_id'])
      .execute();
    await db.schema
      .createTable('oidc_signing_keys')
      .addColumn('kid', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('alg', 'varchar(16)', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('activates_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .execute();
    if (db.getExecutor().adapter instanceof MysqlAdapter) {
      // client ids compare byte for byte, as in oauth_clients (migration 0014)
      const collation = sql.raw(await binaryCollation(db));
      await sql`alter table oauth_consent_grants modify client_id varchar(128) character set utf8mb4 collate ${collation} not null`.execute(db);
      await sql`alter table sessions modify client_id varchar(128) character set utf8mb4 collate ${collation} null`.execute(db);
    }
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('oidc_signing_keys').execute();
    await db.schema.dropTable('oauth_consent_grants').execute();
    await db.schema.alterTable('sessions').dropColumn('scope').execute();
    await db.schema.alterTable('sessions').dropColumn('client_id').execute();
  },
};
