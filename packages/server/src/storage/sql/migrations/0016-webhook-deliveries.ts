// Migration 0016 (docs/events.md, "Delivery log"): one row per webhook delivery attempt (time,
// status, duration, error class, and the message body for a redelivery: it holds no secret), and
// the endpoint's previous signing secret, which still signs for 24 h after a rotation.
import type { Kysely, Migration } from 'kysely';

export const webhookDeliveriesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('attempted_at', 'bigint', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error_class', 'varchar(32)')
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    // GET /admin/webhooks/:id/deliveries pages one endpoint's rows newest first
    await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute();
    await db.schema.createIndex('webhook_deliveries_time').on('webhook_deliveries').column('attempted_at').execute();
    await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret', 'varchar(255)').execute();
    await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret_until', 'bigint').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('webhook_endpoints').dropColumn('previous_secret_until').execute();
    await db.schema.alterTable('webhook_endpoints').dropColumn('previous_secret').execute();
    await db.schema.dropTable('webhook_deliveries').execute();
  },
};
