// Migration 0011 (docs/events.md, "Webhooks"): the endpoints an admin registered. The signing
// secret is kept sealed (AES-256-GCM under a key derived from GATEHOUSE_SECRET): Gatehouse must
// sign with it, so it cannot be a hash. Messages themselves ride the job outbox (channel webhook).
import type { Kysely, Migration } from 'kysely';

export const webhooksMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('url', 'varchar(2048)', (c) => c.notNull())
      .addColumn('description', 'varchar(255)', (c) => c.notNull())
      .addColumn('events', 'varchar(1024)', (c) => c.notNull())
      .addColumn('secret', 'varchar(255)', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('webhook_endpoints').execute();
  },
};
