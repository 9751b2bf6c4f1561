// Opens the SQL database a DATABASE_URL names and wraps it in the query layer (Kysely): SQLite,
// PostgreSQL or MySQL/MariaDB. SQLite runs in WAL mode with synchronous=NORMAL: a killed process
// loses no committed write. Network databases get short connect timeouts so a dead server
// answers 503 quickly instead of hanging requests. The SQLite files hold the password hashes:
// owner-only, 0600 in a 0700 folder.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Pool as PgPool } from 'pg';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from './kysely.js';
import type { Database } from './schema.js';
import { SqliteRowCache } from './row-cache.js';
import { GroupCommit } from './group-commit.js';
import { SqliteGate } from './sqlite-gate.js';

export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

const CONNECT_TIMEOUT_MS = 2000;
const POOL_SIZE = 10;

export interface SqlConnection {
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** The embedded database itself, for the prepared hot-path statements (prepared.ts). */
  sqlite?: SqliteDatabase.Database;
  /** Hot-read rows of the embedded database, kept until a write changes them (row-cache.ts). */
  rowCache?: SqliteRowCache;
  /** Batches the embedded database's hot writes into shared commits (group-commit.ts). */
  groupCommit?: GroupCommit;
  /** Keeps the hot-path statements out of a transaction that holds the embedded database (sqlite-gate.ts). */
  gate?: SqliteGate;
  /** PostgreSQL's pool, for the hot statements prepared by name (named-statements.ts). */
  pgPool?: PgPool;
}

/** The network drivers are loaded only when their database is configured (~35 MB of idle RSS). */
export async function connectSql(url: string): Promise<SqlConnection> {
  if (url.startsWith('sqlite:')) return connectSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return connectPostgres(url);
  if (/^(mysql|mariadb):\/\//.test(url)) return { db: await connectMysql(url.replace(/^mariadb:/, 'mysql:')), dialect: 'mysql' };
  throw new TypeError(`DATABASE_URL: unsupported scheme "${url.split(':')[0]}:"; use sqlite:PATH, postgres://… or mysql://…`);
}

async function connectPostgres(url: string): Promise<SqlConnection> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: 10_000, idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => undefined); // an idle client lost with the server; the next query reports it
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', pgPool: pool };
}

async function connectMysql(url: string): Promise<Kysely<Database>> {
  const { createPool } = await import('mysql2');
  const pool = createPool({ uri: url, connectionLimit: POOL_SIZE, connectTimeout: CONNECT_TIMEOUT_MS, supportBigNumbers: true });
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
}

function connectSqlite(path: string): SqlConnection {
  if (path !== ':memory:') createOwnerOnly(path);
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const rowCache = new SqliteRowCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, rowCache) }) });
  const gate = new SqliteGate();
  return { db, dialect: 'sqlite', sqlite, rowCache, gate, groupCommit: new GroupCommit(sqlite, () => rowCache.written(), gate) };
}

/**
 * The folder (when made here) 0700, and the database file 0600 before SQLite opens it: SQLite
 * gives its -wal, -shm and -journal files the database's own mode when it creates them. Files an
 * earlier start left readable to others are tightened; an existing folder keeps its mode (it may
 * be a shared mount point), since owner-only files are what keep the hashes from other users.
 */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    const mode = statSync(file, { throwIfNoEntry: false })?.mode;
    if (mode !== undefined && (mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
  }
}

/**
 * An INSERT into a table other than those the row cache holds (users, sessions) changes no cached
 * row: the schema has no trigger and no cascade starts from an insert. The audit log's batched
 * writer and the code flow's spent tickets write on every login, refresh and token; emptying the
 * cache each time sent the next reads to SQLite.
 */
const LEAVES_CACHE = /^\s*insert\s+into\s+"(?!users"|sessions")[a-z_]+"\s/i;

/**
 * The query layer prepares every statement it runs; better-sqlite3 statements are reusable, so
 * keep each one by its SQL text and the hot paths skip SQLite's parser after the first call.
 * Statements that may write empty the row cache once they have run: anything but a SELECT (BEGIN
 * and COMMIT included), whether SQLite counts it a reader (`… RETURNING`) or not, and but an INSERT
 * elsewhere than users and sessions (LEAVES_CACHE).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, rowCache: SqliteRowCache): KyselySqliteDatabase {
  const statements = new Map<string, ReturnType<KyselySqliteDatabase['prepare']>>();
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        const prepared = sqlite.prepare(sql);
        const afterwards = <T>(result: () => T): T => {
          try {
            return result();
          } finally {
            rowCache.written();
          }
        };
        statement = /^\s*select\b/i.test(sql) || LEAVES_CACHE.test(sql) ? prepared : {
          reader: prepared.reader,
          all: (parameters) => afterwards(() => prepared.all(parameters)),
          iterate: () => {
            throw new Error('streaming a write is not supported on SQLite: the row cache could not follow it');
          },
          run: (parameters) => afterwards(() => prepared.run(parameters)),
        };
        if (statements.size < 500) statements.set(sql, statement);
      }
      return statement;
    },
  };
}
