// Delivery outcomes written in batches (docs/architecture.md, "Events"): each delivery hands its
// outcome over and waits until it is committed, and the outcomes that arrive while one batch is
// being written go together in the next, so a busy channel pays one transaction for many
// deliveries and an idle one still writes a lone outcome at once. The row stays leased until its
// outcome commits: a crash before that delivers it again (at least once, same webhook-id).

/**
 * `write` records a batch in one transaction and answers what each item came to, in order; the
 * function returned records one item and resolves with its answer once its batch committed.
 */
export function createResultBatch<T, R = void>(write: (items: T[]) => Promise<R[] | void>): (item: T) => Promise<R> {
  let queue: Array<{ item: T; resolve: (answer: R) => void; reject: (error: unknown) => void }> = [];
  let writing = false;
  let scheduled = false;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush()); // the outcomes of this turn of the event loop join the batch
  };

  async function flush(): Promise<void> {
    scheduled = false;
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue;
    queue = [];
    try {
      const answers = await write(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(answers ? answers[i]! : (undefined as R)));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      writing = false;
      if (queue.length > 0) schedule();
    }
  }

  return (item) => new Promise<R>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    if (!writing) schedule();
  });
}
