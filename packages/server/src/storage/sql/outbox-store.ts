// OutboxStore on the SQL query layer. A claim moves the rows' next attempt past a lease, in one
// statement (one transaction on MySQL) that locks them with FOR UPDATE SKIP LOCKED on PostgreSQL
// and MySQL, so instances claiming at once take different rows and a claimed row is not taken
// again before its lease ends. SQLite serves one process: its statement alone makes the claim atomic.
import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { Database, OutboxTable } from './schema.js';
import { guard, toDate } from './errors.js';
import { inTransaction, type TransactionConnection } from './transaction.js';
import type { OutboxMessage, OutboxResult, OutboxRow, OutboxStore } from '../types/outbox.js';

/** Stored errors are cut to the column's size. */
const ERROR_LENGTH = 500;

/** Writes one outbox row: on the database, or inside a flow's transaction. */
export function enqueueOutbox(db: Kysely<Database>, message: OutboxMessage): Promise<void> {
  return guard(async () => {
    await db.insertInto('outbox').values({
      id: message.id, channel: message.channel ?? 'mail', kind: message.kind, recipient: message.recipient, payload: message.payload,
      created_at: message.createdAt.getTime(), attempts: 0, next_attempt_at: message.createdAt.getTime(), last_error: null, given_up: 0,
    }).execute();
  });
}

/** Deletes the rows to one address, in a flow's transaction or on the database. */
export function deleteOutboxFor(db: Kysely<Database>, recipient: string): Promise<number> {
  return guard(async () => {
    const result = await db.deleteFrom('outbox').where('recipient', '=', recipient).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** Deletes a row: delivered, or taken back inside the transaction that wrote it. */
export function deleteOutbox(db: Kysely<Database>, id: string): Promise<void> {
  return guard(async () => {
    await db.deleteFrom('outbox').where('id', '=', id).execute();
  });
}

/** Not delivered: due again at `retryAt`, or given up (its payload emptied) when it is null. */
export function failOutbox(db: Kysely<Database>, id: string, error: string, retryAt: Date | null): Promise<void> {
  return guard(async () => {
    const lastError = error.slice(0, ERROR_LENGTH);
    const update = retryAt
      ? { last_error: lastError, next_attempt_at: retryAt.getTime() }
      : { last_error: lastError, given_up: 1, payload: '' }; // nothing sealed is kept once nobody will send it
    await db.updateTable('outbox').set(update).where('id', '=', id).execute();
  });
}

/**
 * A batch of outcomes inside the caller's transaction: the sent rows deleted in one statement, the
 * failed ones updated one by one (rare), ids in order so concurrent batches lock rows alike.
 */
export async function settleOutbox(trx: Kysely<Database>, results: readonly OutboxResult[]): Promise<void> {
  const sent = results.filter((r) => r.sent).map((r) => r.id).sort();
  if (sent.length > 0) await guard(() => trx.deleteFrom('outbox').where('id', 'in', sent).execute());
  const failed = results.filter((r): r is Extract<OutboxResult, { sent: false }> => !r.sent).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const r of failed) await failOutbox(trx, r.id, r.error, r.retryAt);
}

export function createSqlOutboxStore(conn: TransactionConnection): OutboxStore {
  const { db, dialect } = conn;
  return {
    enqueue: (message) => enqueueOutbox(db, message),

    claimDue: (now, limit, leaseMs, channel = 'mail') => {
      // PostgreSQL and SQLite claim in one statement (UPDATE … RETURNING, the rows locked by the
      // subquery's FOR UPDATE SKIP LOCKED on PostgreSQL); MySQL has no RETURNING: select, update, read back
      if (dialect !== 'mysql') {
        return guard(async () => {
          const due = db.selectFrom('outbox').select('id')
            .where('channel', '=', channel).where('given_up', '=', 0).where('next_attempt_at', '<=', now.getTime())
            .orderBy('id').limit(limit);
          const rows = await db.updateTable('outbox')
            .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now.getTime() + leaseMs }))
            .where('id', 'in', dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
            .returningAll().execute();
          return rows.map(toOutboxRow).sort((a, b) => (a.id < b.id ? -1 : 1));
        });
      }
      return guard(() => inTransaction(conn, async (trx) => {
        const due = trx.selectFrom('outbox').select('id')
          .where('channel', '=', channel).where('given_up', '=', 0).where('next_attempt_at', '<=', now.getTime())
          .orderBy('id').limit(limit).forUpdate().skipLocked();
        const ids = (await due.execute()).map((row) => row.id);
        if (ids.length === 0) return [];
        await trx.updateTable('outbox')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now.getTime() + leaseMs }))
          .where('id', 'in', ids).execute();
        const rows = await trx.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
        return rows.map(toOutboxRow);
      }));
    },

    renewLease: (id, leaseEnd, newEnd) =>
      guard(async () => {
        const result = await db.updateTable('outbox').set({ next_attempt_at: newEnd.getTime() })
          .where('id', '=', id).where('given_up', '=', 0).where('next_attempt_at', '=', leaseEnd.getTime()).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    markSent: (id) => deleteOutbox(db, id),

    requeue: (message) =>
      guard(() => inTransaction(conn, async (trx) => {
        let existing = trx.selectFrom('outbox').select('given_up').where('id', '=', message.id);
        if (dialect !== 'sqlite') existing = existing.forUpdate();
        const row = await existing.executeTakeFirst();
        if (row && Number(row.given_up) === 0) return false;
        if (!row) {
          await enqueueOutbox(trx, message);
          return true;
        }
        await trx.updateTable('outbox').set({
          payload: message.payload, attempts: 0, next_attempt_at: message.createdAt.getTime(), last_error: null, given_up: 0,
        }).where('id', '=', message.id).execute();
        return true;
      })),

    deleteForRecipient: (recipient) => deleteOutboxFor(db, recipient),

    markFailed: (id, error, retryAt) => failOutbox(db, id, error, retryAt),

    settle: async (results) => {
      if (results.length > 0) await guard(() => inTransaction(conn, (trx) => settleOutbox(trx, results)));
    },

    counts: () =>
      guard(async () => {
        const rows = await db.selectFrom('outbox')
          .select(['given_up', sql<number | string>`count(*)`.as('n')]).groupBy('given_up').execute();
        const count = (flag: number) => Number(rows.find((row) => Number(row.given_up) === flag)?.n ?? 0);
        return { pending: count(0), failed: count(1) };
      }),
  };
}

function toOutboxRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    recipient: row.recipient,
    payload: row.payload,
    createdAt: toDate(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
  };
}
