// Stores.transaction on SQL: a flow's state change and its mail in one transaction
// (storage/types/stores.ts, AccountWrites). The work must use only the `writes` it is given: on
// SQLite the transaction holds the one connection, and every other store's statements wait for
// it to end (Kysely's mutex, or the gate of sqlite-gate.ts), so a call to one would wait forever.
import { inTransaction, type TransactionConnection } from './transaction.js';
import { StoreUnavailableError } from '../errors.js';
import { createSqlOneTimeTokenStore } from './one-time-token-store.js';
import { deleteOutbox, deleteOutboxFor, enqueueOutbox } from './outbox-store.js';
import { createSqlUserWrites } from './user-store.js';
import type { AccountWrites } from '../types/stores.js';

export function createSqlTransaction(conn: TransactionConnection) {
  return async function transaction<T>(work: (writes: AccountWrites) => Promise<T>): Promise<T> {
    let failure: { error: unknown } | undefined;
    try {
      return await inTransaction(conn, async (trx) => {
        const writes: AccountWrites = {
          users: createSqlUserWrites(trx, conn.dialect),
          oneTimeTokens: createSqlOneTimeTokenStore(trx),
          outbox: {
            enqueue: (message) => enqueueOutbox(trx, message), markSent: (id) => deleteOutbox(trx, id),
            deleteForRecipient: (recipient) => deleteOutboxFor(trx, recipient),
          },
        };
        try {
          return await work(writes);
        } catch (error) {
          failure = { error }; // the work's own failure: rolled back, then thrown as it is
          throw error;
        }
      });
    } catch (error) {
      if (failure) throw failure.error;
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error); // begin or commit failed
    }
  };
}
