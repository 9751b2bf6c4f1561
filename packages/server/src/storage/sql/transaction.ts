// One transaction on any of the SQL backends. SQLite's starts with BEGIN IMMEDIATE: it takes the
// write lock at once (waiting busy_timeout for it), where a deferred BEGIN that reads and then
// writes fails with SQLITE_BUSY when another process wrote in between (the CLI beside the server).
// It holds the connection's gate from BEGIN to its end, so the hot-path statements of other
// requests wait instead of landing inside it (sqlite-gate.ts).
import type { Kysely } from 'kysely';
import { sql } from './kysely.js';
import type { Database } from './schema.js';
import type { SqlConnection } from './connect.js';

export type TransactionConnection = Pick<SqlConnection, 'db' | 'dialect' | 'gate'>;

export async function inTransaction<T>(
  { db, dialect, gate }: TransactionConnection, work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (dialect !== 'sqlite') return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    const open = gate?.hold();
    try {
      await sql`begin immediate`.execute(connection);
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      try {
        await sql`commit`.execute(connection);
      } catch (error) {
        // SQLite may stay inside the transaction when COMMIT fails (SQLITE_BUSY): end it before the gate opens
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      return result;
    } finally {
      open?.();
    }
  });
}
