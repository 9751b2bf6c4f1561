// Migration 0010 (docs/architecture.md, "Events"): the audit store, one row per audit event, read
// newest first by id (UUIDv7, so by time) under each filter's index; and the outbox becomes a job
// outbox whose rows name their channel (mail for every row before it).
import type { Kysely, Migration } from 'kysely';

export const auditEventsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(36)')
      .addColumn('subject_id', 'varchar(36)')
      .addColumn('ip', 'varchar(64)')
      .addColumn('user_agent', 'varchar(256)')
      .addColumn('session_id', 'varchar(64)')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    // each filter of GET /admin/audit walks its own index in id order: a page is a short range scan
    for (const column of ['subject_id', 'actor_id', 'type', 'ip']) {
      await db.schema.createIndex(`audit_events_${column}`).on('audit_events').columns([column, 'id']).execute();
    }
    await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();
    await db.schema.alterTable('outbox').addColumn('channel', 'varchar(16)', (c) => c.notNull().defaultTo('mail')).execute();
    await db.schema.createIndex('outbox_channel_due').on('outbox').columns(['channel', 'given_up', 'next_attempt_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('outbox_channel_due').on('outbox').execute();
    await db.schema.alterTable('outbox').dropColumn('channel').execute();
    await db.schema.dropTable('audit_events').execute();
  },
};
