// Rows of the embedded database's hot reads (a user by id, a session by id), kept in memory
// between writes. Every write through this connection empties the cache, or updates the one row
// it changed (connect.ts and prepared.ts call `written()` after each one; a group commit that
// fails empties it), so whatever this server does (a logout, a rotation, a disabled user) is felt
// by the very next read, as without the cache. A commit by
// another process, such as `gatehouse user disable` run beside the server, shows up as a new
// `PRAGMA data_version`; that look costs about what a read does (SQLite takes the WAL read lock
// with a system call), so it is taken at most every OTHERS_CHECK_MS: such a change is felt within
// that time. What the cache saves is SQLite's per-statement work on /users/me and every other
// authenticated request, which mostly read.
import type SqliteDatabase from 'better-sqlite3';

const MAX_ROWS_PER_QUERY = 10_000;
export const OTHERS_CHECK_MS = 100;

export type CachedRead<R> = (key: string, load: () => R | undefined) => R | undefined;
/** The cached row at once: null when known to be missing, undefined when not cached. */
export type CachedPeek<R> = (key: string) => R | null | undefined;

export class SqliteRowCache {
  private readonly dataVersion: SqliteDatabase.Statement;
  private seenVersion: unknown;
  private checkedAt = performance.now();
  private readonly queries = new Map<string, Map<string, unknown>>();

  constructor(sqlite: SqliteDatabase.Database) {
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    this.seenVersion = this.dataVersion.get();
  }

  /** A cache for one query's rows, by a key its caller builds from the parameters. */
  forQuery<R>(name: string): { read: CachedRead<R>; peek: CachedPeek<R> } {
    if (this.queries.has(name)) throw new Error(`row cache "${name}" exists already`);
    const rows = new Map<string, R | null>();
    this.queries.set(name, rows);
    const peek: CachedPeek<R> = (key) => {
      this.dropIfOthersWrote();
      return rows.get(key);
    };
    const read: CachedRead<R> = (key, load) => {
      const cached = peek(key);
      if (cached !== undefined) return cached ?? undefined;
      const row = load();
      if (rows.size >= MAX_ROWS_PER_QUERY) rows.delete(rows.keys().next().value!); // oldest first
      rows.set(key, row ?? null);
      return row;
    };
    return { read, peek };
  }

  /**
   * This connection changed (or may have changed) the database; `only` when it was just that row,
   * with `apply` when the new row follows from the cached one (else it is dropped).
   */
  written(only?: { name: string; key: string; apply?: (row: unknown) => unknown }): void {
    if (!only) {
      for (const rows of this.queries.values()) rows.clear();
      return;
    }
    const rows = this.queries.get(only.name);
    const row = rows?.get(only.key);
    if (row && only.apply) rows!.set(only.key, only.apply(row));
    else rows?.delete(only.key);
  }

  private dropIfOthersWrote(): void {
    const now = performance.now();
    if (now - this.checkedAt < OTHERS_CHECK_MS) return;
    this.checkedAt = now;
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.written();
    }
  }
}
