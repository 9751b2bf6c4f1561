// Schema migrations, written once with the query builder so the same steps serve SQLite,
// PostgreSQL and MySQL; the first three here, each later one in a file of migrations/. Append new
// migrations; never edit one that has shipped.
import type { Kysely, Migration, MigrationResultSet } from 'kysely';
import { Migrator, MysqlAdapter, sql } from './kysely.js';
import { emailAndOutboxMigration } from './migrations/0004-email-and-outbox.js';
import { factorsMigration } from './migrations/0005-factors.js';
import { federatedIdentitiesMigration } from './migrations/0006-federated-identities.js';
import { binaryCollation } from './migrations/collation.js';
import { passkeysMigration } from './migrations/0007-passkeys.js';
import { credentialGenerationMigration } from './migrations/0008-credential-generation.js';
import { auditEventsMigration } from './migrations/0010-audit-events-and-job-channels.js';
import { webhooksMigration } from './migrations/0011-webhooks.js';
import { oauthClientsMigration } from './migrations/0014-oauth-clients.js';
import { ownerProofMigration } from './migrations/0015-owner-proof-and-challenge-generation.js';
import { webhookDeliveriesMigration } from './migrations/0016-webhook-deliveries.js';
import { clientSessionsAndConsentMigration } from './migrations/0017-client-sessions-and-consent.js';
import { userSearchIndexesMigration } from './migrations/0020-user-search-indexes.js';

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
  '0004_email_and_outbox': emailAndOutboxMigration,
  // Second factors (docs/mfa.md): how each session was authenticated (amr, auth_time), TOTP factors, recovery codes
  // and the pending second step of a login (core/login/). Factor rows go with their user.
  '0005_factors': factorsMigration,
  // Sign-in through other identity providers (docs/federation.md): the linked identities, and the
  // single-use tickets of a login in flight, stored hashed.
  '0006_federated_identities': federatedIdentitiesMigration,
  // Passkeys (docs/passkeys.md): the passkeys and the challenges of their ceremonies (storage/types/passkeys.ts).
  '0007_passkeys': passkeysMigration,
  // The credential generation of each user (docs/architecture.md, "Login"): bumped by every
  // credential change, checked when a login's session has started.
  '0008_credential_generation': credentialGenerationMigration,
  // The audit store and the job outbox's channels (docs/architecture.md, "Events").
  '0010_audit_events_and_job_channels': auditEventsMigration,
  // Webhook endpoints (docs/events.md, "Webhooks"); their messages ride the job outbox.
  '0011_webhooks': webhooksMigration,
  // The OpenID Connect provider's clients (docs/oidc.md).
  '0014_oauth_clients': oauthClientsMigration,
  // When each user last proved a trusted way in, and a login challenge's credential generation
  // (docs/architecture.md, "Changing a way in").
  '0015_owner_proof_and_challenge_generation': ownerProofMigration,
  // The webhook delivery log and the previous secret of a rotation (docs/events.md, "Delivery log").
  '0016_webhook_deliveries': webhookDeliveriesMigration,
  // Sessions opened for a relying party, and the consent each user gave each client (docs/oidc.md).
  '0017_client_sessions_and_consent': clientSessionsAndConsentMigration,
  // Indexes in bytewise order for the search by the start of a username or email (docs/console.md, "Users").
  '0020_user_search_indexes': userSearchIndexesMigration,
};

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
