// Migration 0014, the OpenID Connect provider's clients (docs/oidc.md): RFC 7591 metadata as JSON,
// and a digest of the secret, never the secret itself.
import type { Kysely, Migration } from 'kysely';
import { MysqlAdapter, sql } from '../kysely.js';
import { binaryCollation } from './collation.js';

export const oauthClientsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('oauth_clients')
      .addColumn('client_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('secret_digest', 'varchar(64)')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    if (db.getExecutor().adapter instanceof MysqlAdapter) {
      // client ids compare byte for byte ("App" and "app" are two clients), as OAuth 2.0 says
      const collation = sql.raw(await binaryCollation(db));
      await sql`alter table oauth_clients modify client_id varchar(128) character set utf8mb4 collate ${collation} not null`.execute(db);
    }
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('oauth_clients').execute();
  },
};
