// Rows of the embedded database's hot reads (a user by id, a session by id), kept in memory
// between writes. Exact, not time-based: every write through this connection empties the cache
// (connect.ts and prepared.ts call `written()` after each one), and a commit by any other
// connection or process, such as `gatehouse user disable` run beside the server, shows up as a
// new `PRAGMA data_version` and empties it too. So a logout, a disabled user or a rotation is felt
// by the very next read, as without the cache; what it saves is SQLite's per-statement work on
// /users/me and every other authenticated request, which mostly read.
import type SqliteDatabase from 'better-sqlite3';

const MAX_ROWS_PER_QUERY = 10_000;

export type CachedRead<R> = (key: string, load: () => R | undefined) => R | undefined;

export class SqliteRowCache {
  private readonly dataVersion: SqliteDatabase.Statement;
  private seenVersion: unknown;
  /** Whether data_version was read in the current synchronous turn (reads issued together share one look). */
  private checkedThisTurn = false;
  private readonly queries: Array<Map<string, unknown>> = [];

  constructor(sqlite: SqliteDatabase.Database) {
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    this.seenVersion = this.dataVersion.get();
  }

  /** A cache for one query's rows, by a key its caller builds from the parameters. */
  forQuery<R>(): CachedRead<R> {
    const rows = new Map<string, R | null>();
    this.queries.push(rows);
    return (key, load) => {
      this.dropIfOthersWrote();
      const cached = rows.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const row = load();
      if (rows.size >= MAX_ROWS_PER_QUERY) rows.delete(rows.keys().next().value!); // oldest first
      rows.set(key, row ?? null);
      return row;
    };
  }

  /** This connection changed (or may have changed) the database. */
  written(): void {
    for (const rows of this.queries) rows.clear();
  }

  private dropIfOthersWrote(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    queueMicrotask(() => {
      this.checkedThisTurn = false;
    });
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.written();
    }
  }
}
