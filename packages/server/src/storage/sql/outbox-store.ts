// OutboxStore on the SQL query layer. A claim moves the rows' next attempt past a lease, in one
// transaction that locks them with FOR UPDATE SKIP LOCKED on PostgreSQL and MySQL, so instances
// claiming at once take different rows and a claimed row is not taken again before its lease ends.
// SQLite serves one process: its transaction alone makes the claim atomic.
import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { Database, OutboxTable } from './schema.js';
import { guard, toDate } from './errors.js';
import { inTransaction, type TransactionConnection } from './transaction.js';
import type { OutboxMessage, OutboxRow, OutboxStore } from '../types/outbox.js';

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

export function createSqlOutboxStore(conn: TransactionConnection): OutboxStore {
  const { db, dialect } = conn;
  return {
    enqueue: (message) => enqueueOutbox(db, message),

    claimDue: (now, limit, leaseMs, channel = 'mail') =>
      guard(() => inTransaction(conn, async (trx) => {
        let due = trx.selectFrom('outbox').select('id')
          .where('channel', '=', channel).where('given_up', '=', 0).where('next_attempt_at', '<=', now.getTime())
          .orderBy('id').limit(limit);
        if (dialect !== 'sqlite') due = due.forUpdate().skipLocked();
        const ids = (await due.execute()).map((row) => row.id);
        if (ids.length === 0) return [];
        await trx.updateTable('outbox')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now.getTime() + leaseMs }))
          .where('id', 'in', ids).execute();
        const rows = await trx.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
        return rows.map(toOutboxRow);
      })),

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

    markFailed: (id, error, retryAt) =>
      guard(async () => {
        const lastError = error.slice(0, ERROR_LENGTH);
        const update = retryAt
          ? { last_error: lastError, next_attempt_at: retryAt.getTime() }
          : { last_error: lastError, given_up: 1, payload: '' }; // nothing sealed is kept once nobody will send it
        await db.updateTable('outbox').set(update).where('id', '=', id).execute();
      }),

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
