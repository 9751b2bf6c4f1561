// The embedded database has one connection. A transaction through the query layer (transaction.ts)
// holds it from BEGIN to COMMIT or ROLLBACK, and between its awaits other requests run; the query
// layer's connection mutex keeps their Kysely queries out, but the hot-path statements run on the
// connection directly (prepared.ts). They pass this gate instead: while a transaction holds it
// they wait, so none lands inside the transaction, to be rolled back with it, or reads its
// uncommitted rows. Statements waiting run in the order they came, once the transaction ends.

export class SqliteGate {
  private ended: Promise<void> | undefined;

  /** Whether a transaction holds the connection now. */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Closes the gate until the returned function is called (transactions never overlap: the mutex). */
  hold(): () => void {
    let open!: () => void;
    const ended = new Promise<void>((resolve) => { open = resolve; });
    this.ended = ended;
    return () => {
      if (this.ended === ended) this.ended = undefined;
      open();
    };
  }

  /** Runs `statement` now, or when no transaction holds the connection any more. */
  async pass<T>(statement: () => T): Promise<T> {
    while (this.ended) await this.ended; // checked and run in one step: no transaction can begin between
    return statement();
  }

  /** Resolves when no transaction holds the connection (at once when none does). */
  async opened(): Promise<void> {
    while (this.ended) await this.ended;
  }
}
