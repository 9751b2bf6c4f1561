// Hot-path queries, built once with the query layer and then run without rebuilding them.
// The SQL text always comes from Kysely (one query layer for every dialect); on SQLite the
// statement is a better-sqlite3 prepared statement run directly (≈ 4 µs instead of ≈ 30 µs
// through the builder and driver), elsewhere the compiled query goes through Kysely's executor.
// Build each query with placeholder values in the order the caller will pass the real ones.
// SQLite caveat: these bypass Kysely's connection mutex, so they must not run inside a Kysely
// transaction on the same connection; the stores use single statements only.
import { CompiledQuery, type Compilable } from 'kysely';
import type { SqlConnection } from './connect.js';

export type PreparedRead<R> = (...params: unknown[]) => Promise<R | undefined>;
export type PreparedWrite = (...params: unknown[]) => Promise<number>;

/** A query returning at most one row. */
export function prepareFirst<R>(conn: SqlConnection, query: Compilable): PreparedRead<R> {
  const { sql } = query.compile();
  if (conn.sqlite) {
    const statement = conn.sqlite.prepare(sql);
    return async (...params) => statement.get(...params) as R | undefined;
  }
  return async (...params) => (await conn.db.executeQuery<R>(CompiledQuery.raw(sql, params))).rows[0];
}

/** An INSERT, UPDATE or DELETE; resolves to the number of rows it changed. */
export function prepareWrite(conn: SqlConnection, query: Compilable): PreparedWrite {
  const { sql } = query.compile();
  if (conn.sqlite) {
    const statement = conn.sqlite.prepare(sql);
    return async (...params) => statement.run(...params).changes;
  }
  return async (...params) => Number((await conn.db.executeQuery(CompiledQuery.raw(sql, params))).numAffectedRows ?? 0);
}
