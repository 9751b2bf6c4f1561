// Group commit for the embedded database: writes queued in the same turn of the event loop run in
// one transaction, committed once. Each write still resolves with its own row count, and only
// after the commit, so no answer goes out before its write is durable; a write that fails alone
// fails alone, a failed commit fails them all. Worth it where concurrent requests each write a
// row (refresh rotations): SQLite's per-commit cost (WAL frames, index pages, locks) is paid once
// per batch, ≈ 50 → 20 µs a write at 4 per batch in a tight loop.
import type SqliteDatabase from 'better-sqlite3';
import type { SqliteGate } from './sqlite-gate.js';

interface QueuedWrite {
  run(): number;
  resolve(changes: number): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private queue: QueuedWrite[] = [];

  /**
   * `rolledBack` runs when a batch did not commit: what its statements told the row cache is void.
   * With a `gate`, a batch due while a transaction holds the connection waits for it to end.
   */
  constructor(
    private readonly sqlite: SqliteDatabase.Database,
    private readonly rolledBack: () => void = () => undefined,
    private readonly gate?: SqliteGate,
  ) {}

  /** Runs `run` (one statement, returning its row count) in the next batch. */
  add(run: () => number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ run, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.gate?.closed) {
      void this.gate.opened().then(() => this.flush()); // the queue stays: writes added meanwhile join this batch
      return;
    }
    const batch = this.queue;
    this.queue = [];
    const outcomes: Array<{ changes: number } | { error: unknown }> = [];
    try {
      // inside another transaction the batch would become a savepoint of it and resolve before
      // anything is durable; the stores never leave one open (the gate), so this is a bug to surface
      if (this.sqlite.inTransaction) throw new Error('group commit: the connection is inside another transaction');
      this.sqlite.transaction(() => {
        for (const write of batch) {
          try {
            outcomes.push({ changes: write.run() });
          } catch (error) {
            outcomes.push({ error }); // that statement is undone; the others stand
          }
        }
      })();
    } catch (error) {
      this.rolledBack();
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) write.reject(outcome.error);
      else write.resolve(outcome.changes);
    });
  }
}
