// PostgreSQL runs the hot queries (prepared.ts) as named prepared statements: each connection
// parses and plans one once, then only binds and executes it. An unnamed statement is parsed and
// planned on every call, which doubles the server's work for a primary-key read (measured in
// docs/benchmarks.md). Two things can break a named statement, and each has a way out:
// - its result type changed under it (a newer instance's migration added a column, PostgreSQL
//   error 0A000 "cached plan must not change result type"): prepare it again under a new name;
// - the server does not know it, or knows it already (26000, 42P05: a pooler in transaction mode
//   that cannot carry prepared statements, such as PgBouncer before 1.21): run that query unnamed
//   from then on.
// Both errors come at bind time, before the statement ran, so running it again is safe.
import { createHash } from 'node:crypto';
import type { Pool, QueryResult } from 'pg';

const CACHED_PLAN_CHANGED = '0A000';
/** A pooler that hands each transaction another server connection: prepared statements cannot last. */
const POOLER_ERRORS = new Set(['26000', '42P05']);

export type NamedStatement = (params: unknown[]) => Promise<QueryResult>;

export function namedStatement(pool: Pool, sql: string): NamedStatement {
  const base = `gatehouse_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
  let name: string | undefined = base;
  let preparedAgain = 0;
  return async (params) => {
    const tried = name;
    try {
      return await pool.query({ name: tried, text: sql, values: params });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const pooler = POOLER_ERRORS.has(code as string);
      if (tried === undefined || (code !== CACHED_PLAN_CHANGED && !pooler)) throw error;
      if (name === tried) name = pooler ? undefined : `${base}_${++preparedAgain}`;
      return pool.query({ name, text: sql, values: params });
    }
  };
}
