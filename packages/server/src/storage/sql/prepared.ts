// Hot-path queries, built once with the query layer and then run without rebuilding them.
// The SQL text always comes from Kysely (one query layer for every dialect); on SQLite the
// statement is a better-sqlite3 prepared statement run directly (≈ 4 µs instead of ≈ 30 µs
// through the builder and driver), on PostgreSQL a named prepared statement (named-statements.ts),
// on MySQL the compiled query goes through Kysely's executor.
// Build each query with placeholder values in the order the caller will pass the real ones.
// On SQLite these bypass Kysely's connection mutex: while a transaction holds the connection they
// wait at its gate (sqlite-gate.ts); the stores use single statements only. On SQLite a read
// may keep its rows in the row cache (`cacheAs`, row-cache.ts) until a write changes them, which
// every prepareWrite statement announces.
import type { Compilable } from 'kysely';
import { CompiledQuery } from './kysely.js';
import type { SqlConnection } from './connect.js';
import { namedStatement } from './named-statements.js';

export type PreparedRead<R> = ((...params: unknown[]) => Promise<R | undefined>) & {
  /** With the row cache (SQLite, `cacheAs`): the cached row at once, null when known missing, undefined when not cached. */
  peek?: (...params: unknown[]) => R | null | undefined;
};
export type PreparedWrite = (...params: unknown[]) => Promise<number>;

/** The row cache's key for a read's parameters (ids never hold NUL: the HTTP schemas refuse control characters). */
const cacheKey = (params: unknown[]) => params.join('\u0000');

/** A query returning at most one row; on SQLite, `cacheAs` keeps its rows in the row cache under that name. */
export function prepareFirst<R>(conn: SqlConnection, query: Compilable, options: { cacheAs?: string } = {}): PreparedRead<R> {
  const { sql } = query.compile();
  if (conn.sqlite) {
    const { gate } = conn;
    const statement = conn.sqlite.prepare(sql);
    const get = (params: unknown[]) => statement.get(...params) as R | undefined;
    if (!options.cacheAs || !conn.rowCache) return async (...params) => (gate?.closed ? gate.pass(() => get(params)) : get(params));
    const cached = conn.rowCache.forQuery<R>(options.cacheAs);
    const readCached = (params: unknown[]) => cached.read(cacheKey(params), () => get(params));
    const read: PreparedRead<R> = async (...params) => (gate?.closed ? gate.pass(() => readCached(params)) : readCached(params));
    read.peek = (...params) => cached.peek(cacheKey(params));
    return read;
  }
  if (conn.pgPool) {
    const run = namedStatement(conn.pgPool, sql);
    return async (...params) => (await run(params)).rows[0] as R | undefined;
  }
  return async (...params) => (await conn.db.executeQuery<R>(CompiledQuery.raw(sql, params))).rows[0];
}

/**
 * A read's `peek`, mapped (a row to its record): the mapping is kept with the cached row, which is
 * replaced when it changes and never changed in place, so a repeated hit allocates nothing. The
 * values are shared by every caller and frozen. Undefined when the read has no cache.
 */
export function peekMapped<R extends object, T extends object>(read: PreparedRead<R>, map: (row: R) => T) {
  const { peek } = read;
  if (!peek) return undefined;
  const mapped = new WeakMap<R, T>();
  return (...params: unknown[]): T | null | undefined => {
    const row = peek(...params);
    if (!row) return row;
    let value = mapped.get(row);
    if (value === undefined) mapped.set(row, (value = Object.freeze(map(row))));
    return value;
  };
}

/** The one cached row a write can change, and how it changes when it does. */
export interface RowChange {
  /** The row cache (prepareFirst's `cacheAs`) and the positions of its read parameters in the write's. */
  name: string;
  keyParams: number[];
  /** The row as the write leaves it, from the cached row and the write's parameters; without it, the row is dropped. */
  apply?: (row: never, params: unknown[]) => unknown;
}

/**
 * An INSERT, UPDATE or DELETE; resolves to the number of rows it changed. On SQLite it empties the
 * row cache, or with `changesOnly` touches just the one row the statement can change (a write that
 * changed nothing leaves it alone when `apply` describes the change).
 * `grouped` writes commit together with the others of the same event-loop turn (group-commit.ts).
 */
export function prepareWrite(
  conn: SqlConnection, query: Compilable, options: { changesOnly?: RowChange; grouped?: boolean } = {},
): PreparedWrite {
  const { sql } = query.compile();
  if (conn.sqlite) {
    const statement = conn.sqlite.prepare(sql);
    const { rowCache, groupCommit, gate } = conn;
    const only = options.changesOnly;
    const run = (params: unknown[]) => {
      let changes: number | undefined;
      try {
        changes = statement.run(...params).changes;
        return changes;
      } finally {
        const apply = only?.apply && changes !== undefined
          ? (row: unknown) => (changes === 0 ? row : only.apply!(row as never, params)) : undefined;
        rowCache?.written(only && { name: only.name, key: cacheKey(only.keyParams.map((i) => params[i])), apply });
      }
    };
    if (options.grouped && groupCommit) return (...params) => groupCommit.add(() => run(params)); // the batch waits at the gate
    return async (...params) => (gate?.closed ? gate.pass(() => run(params)) : run(params));
  }
  if (conn.pgPool) {
    const run = namedStatement(conn.pgPool, sql);
    return async (...params) => (await run(params)).rowCount ?? 0;
  }
  return async (...params) => Number((await conn.db.executeQuery(CompiledQuery.raw(sql, params))).numAffectedRows ?? 0);
}
