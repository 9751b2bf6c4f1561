// A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order.

export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('Semaphore limit must be a positive integer');
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Every slot is taken: the next task waits. */
  get full(): boolean {
    return this.active >= this.limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // hand the slot over without releasing it
      else this.active--;
    }
  }
}
