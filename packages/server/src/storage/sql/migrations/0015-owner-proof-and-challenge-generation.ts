// Migration 0015 (docs/architecture.md, "Changing a way in"): when each user last signed in with a
// way the account already trusted, and the time before that (a remedy removes the ways added since), and the credential
// generation a login challenge began under (its second step refuses a moved one).
import type { Kysely, Migration } from 'kysely';

export const ownerProofMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('owner_proven_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('owner_proven_before', 'bigint').execute();
    // the ways accounts hold today were there before this was tracked: a remedy keeps them
    const now = Date.now();
    await db.updateTable('users').set({ owner_proven_at: now, owner_proven_before: now }).execute();
    await db.schema.alterTable('login_challenges').addColumn('credential_generation', 'integer').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('login_challenges').dropColumn('credential_generation').execute();
    await db.schema.alterTable('users').dropColumn('owner_proven_before').execute();
    await db.schema.alterTable('users').dropColumn('owner_proven_at').execute();
  },
};
