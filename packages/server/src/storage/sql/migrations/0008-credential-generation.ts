// Migration 0008: each user's credential generation (docs/architecture.md, "Login"): a counter
// that every change of a way into the account moves, so a login that began before the change
// cannot keep the session it started.
import type { Kysely, Migration } from 'kysely';

export const credentialGenerationMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('credential_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('users').dropColumn('credential_generation').execute();
  },
};
