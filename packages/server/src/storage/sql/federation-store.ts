// FederationStore on the SQL query layer: linked identities and single-use tickets (both tables
// from migration 0006). A ticket is taken by deleting it: of concurrent callers one deletes the row.
import type { Selectable } from 'kysely';
import type { FederatedIdentitiesTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import { DuplicateIdentityError } from '../errors.js';
import type { FederationStore, IdentityRecord } from '../types/federation.js';
import { deleteExpired } from './single-use.js';

export function createSqlFederationStore(conn: SqlConnection): FederationStore {
  const { db } = conn;
  return {
    async createIdentity(identity) {
      try {
        await db.insertInto('federated_identities').values({
          id: identity.id, user_id: identity.userId, provider: identity.provider, subject: identity.subject,
          email: identity.email, email_verified: identity.emailVerified ? 1 : 0,
          created_at: identity.createdAt.getTime(), last_used_at: identity.lastUsedAt.getTime(),
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateIdentityError();
        return guard(() => Promise.reject(error));
      }
    },

    findIdentity: (provider, subject) => guard(async () => {
      const row = await db.selectFrom('federated_identities').selectAll()
        .where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst();
      return row ? toIdentityRecord(row) : null;
    }),

    listIdentities: (userId) => guard(async () => {
      const rows = await db.selectFrom('federated_identities').selectAll().where('user_id', '=', userId)
        .orderBy('created_at').orderBy('id').execute();
      return rows.map(toIdentityRecord);
    }),

    touchIdentity: (id, seen) => guard(async () => {
      await db.updateTable('federated_identities')
        .set({ email: seen.email, email_verified: seen.emailVerified ? 1 : 0, last_used_at: seen.lastUsedAt.getTime() })
        .where('id', '=', id).execute();
    }),

    putTicket: (ticket) => guard(async () => {
      await db.insertInto('federation_tickets').values({
        hash: ticket.hash, kind: ticket.kind, user_id: ticket.userId, data: ticket.data, expires_at: ticket.expiresAt.getTime(),
      }).execute();
    }),

    takeTicket: (hash, kind, now) => guard(async () => {
      const row = await db.selectFrom('federation_tickets').selectAll().where('hash', '=', hash).executeTakeFirst();
      if (!row || row.kind !== kind) return null;
      const deleted = await db.deleteFrom('federation_tickets').where('hash', '=', hash).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1 || Number(row.expires_at) <= now.getTime()) return null;
      return { hash: row.hash, kind, userId: row.user_id, data: row.data, expiresAt: toDate(row.expires_at) };
    }),

    deleteExpiredTickets: (now) => deleteExpired(db, 'federation_tickets', now),
  };
}

function toIdentityRecord(row: Selectable<FederatedIdentitiesTable>): IdentityRecord {
  return {
    id: row.id, userId: row.user_id, provider: row.provider, subject: row.subject, email: row.email,
    emailVerified: Number(row.email_verified) === 1, createdAt: toDate(row.created_at), lastUsedAt: toDate(row.last_used_at),
  };
}
