// Opens the SQL database a DATABASE_URL names and wraps it in the query layer (Kysely).
// SQLite runs in WAL mode with synchronous=NORMAL: a killed process loses no committed write.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Database } from './schema.js';

export type SqlDialectName = 'sqlite';

export interface SqlConnection {
  db: Kysely<Database>;
  dialect: SqlDialectName;
}

export function connectSql(url: string): SqlConnection {
  if (url.startsWith('sqlite:')) return { db: connectSqlite(url.slice('sqlite:'.length)), dialect: 'sqlite' };
  throw new TypeError(`DATABASE_URL: unsupported scheme in "${url.split(':')[0]}:"; use sqlite:PATH`);
}

function connectSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/**
 * The query layer prepares every statement it runs; better-sqlite3 statements are reusable, so
 * keep each one by its SQL text and the hot paths skip SQLite's parser after the first call.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size < 500) statements.set(sql, statement);
      }
      return statement;
    },
  };
}
