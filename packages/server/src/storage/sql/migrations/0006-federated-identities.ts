// Migration 0006, sign-in through other identity providers (docs/federation.md): the linked
// identities, and the single-use tickets of a login in flight, stored hashed.
import type { Kysely, Migration } from 'kysely';
import { MysqlAdapter, sql } from '../kysely.js';
import { binaryCollation } from './collation.js';

export const federatedIdentitiesMigration: Migration = {
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
};
