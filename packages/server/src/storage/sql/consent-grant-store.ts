// ConsentGrantStore on the SQL query layer (migration 0017): one row per user and client, its
// scope values space-separated. A save updates first and inserts when nothing matched; of two
// first saves at once, the loser's insert clashes and it updates instead.
import type { Selectable } from 'kysely';
import type { OAuthConsentGrantsTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import type { ConsentGrantRecord, ConsentGrantStore } from '../types/consent-grants.js';

export function createSqlConsentGrantStore({ db }: SqlConnection): ConsentGrantStore {
  const update = async (grant: ConsentGrantRecord) => {
    const result = await db.updateTable('oauth_consent_grants')
      .set({ scope: grant.scopes.join(' '), updated_at: grant.updatedAt.getTime() })
      .where('user_id', '=', grant.userId).where('client_id', '=', grant.clientId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  };
  return {
    find: (userId, clientId) => guard(async () => {
      const row = await db.selectFrom('oauth_consent_grants').selectAll()
        .where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
      return row ? toRecord(row) : null;
    }),

    save: (grant) => guard(async () => {
      if (await update(grant)) return;
      try {
        await db.insertInto('oauth_consent_grants').values({
          user_id: grant.userId, client_id: grant.clientId, scope: grant.scopes.join(' '),
          created_at: grant.createdAt.getTime(), updated_at: grant.updatedAt.getTime(),
        }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await update(grant);
      }
    }),

    listForUser: (userId) => guard(async () => {
      const rows = await db.selectFrom('oauth_consent_grants').selectAll().where('user_id', '=', userId).orderBy('client_id').execute();
      return rows.map(toRecord);
    }),

    delete: (userId, clientId) => guard(async () => {
      const result = await db.deleteFrom('oauth_consent_grants').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    }),
  };
}

function toRecord(row: Selectable<OAuthConsentGrantsTable>): ConsentGrantRecord {
  return {
    userId: row.user_id, clientId: row.client_id, scopes: row.scope ? row.scope.split(' ') : [],
    createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at),
  };
}
