// FederationStore on the SQL query layer: linked identities and single-use tickets (both tables
// from migration 0006). A ticket is taken by deleting it: of concurrent callers one deletes the row.
import type { Selectable } from 'kysely';
import type { FederatedIdentitiesTable, FederationTicketsTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import { DuplicateIdentityError } from '../errors.js';
import type { FederationStore, IdentityRecord } from '../types/federation.js';
import { deleteExpired } from './single-use.js';
import { prepareFirst, prepareWrite } from './prepared.js';

/**
 * The take-once insert and the plain read of the authorization-code flow (core/oidc/authorization-codes.ts),
 * prepared once: on SQLite the insert commits with the other writes of its turn (group-commit.ts)
 * and leaves the row cache alone (no ticket is cached there), so a flow's write costs the reads of
 * the next flows nothing.
 */
function prepareOnceQueries(conn: SqlConnection) {
  const { db } = conn;
  const insert = db.insertInto('federation_tickets').values({ hash: '?', kind: '?', user_id: '?', data: '?', expires_at: 0 });
  const putOnce = prepareWrite(conn, conn.dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('hash').doNothing()),
    { grouped: true, changesOnly: { name: 'federation_tickets', keyParams: [] } });
  const find = prepareFirst<Selectable<FederationTicketsTable>>(conn, db.selectFrom('federation_tickets').selectAll().where('hash', '=', '?'));
  return { putOnce, find };
}

export function createSqlFederationStore(conn: SqlConnection): FederationStore {
  const { db } = conn;
  const once = prepareOnceQueries(conn);
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

    putTicketOnce: (ticket) => guard(async () =>
      (await once.putOnce(ticket.hash, ticket.kind, ticket.userId, ticket.data, ticket.expiresAt.getTime())) === 1),

    findTicket: (hash, kind, now) => guard(async () => {
      const row = await once.find(hash);
      if (!row || row.kind !== kind || Number(row.expires_at) <= now.getTime()) return null;
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
