// The queue in front of the hashing threads: at most `concurrency` hashes run, at most `maxWaiting`
// wait, and one address bucket (an IPv4 /24, an IPv6 /64) holds at most `perAddress` of them,
// running or waiting. Past either bound a hash is refused at once with 503 `overloaded`: shedding
// keeps a flood from making every login wait, and the share keeps one source from filling the queue.
import { addressBucket, type BucketPrefix } from '../address-bucket.js';
import { AuthError } from '../errors.js';
import { Semaphore } from './semaphore.js';

export interface HashQueueLimits {
  /** Hashes at once (HASH_CONCURRENCY). */
  concurrency: number;
  /** Hashes that may wait for one of them (HASH_QUEUE_MAX). */
  maxWaiting: number;
  /** Hashes, running or waiting, for one address bucket (HASH_QUEUE_PER_ADDRESS). */
  perAddress: number;
}

/** The buckets a share is counted in: coarser than the rate limits', as one network is one source here. */
export const HASH_QUEUE_BUCKET: BucketPrefix = { v4: 24, v6: 64 };

/** What a refused hash answers: the queue holds about a second of work at its bound (docs/hardening.md). */
const RETRY_AFTER_SECONDS = 1;

export class HashQueue {
  private readonly slots: Semaphore;
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: HashQueueLimits) {
    this.slots = new Semaphore(limits.concurrency);
  }

  get waiting(): number {
    return this.slots.waiting;
  }

  /** Runs `task` in its turn, or refuses it at once; `source` is the client's IP address, when there is one. */
  async run<T>(task: () => Promise<T>, source?: string): Promise<T> {
    if (this.slots.full && this.slots.waiting >= this.limits.maxWaiting) throw overloaded();
    const bucket = source === undefined ? undefined : addressBucket(source, HASH_QUEUE_BUCKET);
    if (bucket === undefined) return this.slots.run(task);
    const count = this.held.get(bucket) ?? 0;
    if (count >= this.limits.perAddress) throw overloaded();
    this.held.set(bucket, count + 1);
    try {
      return await this.slots.run(task);
    } finally {
      const left = this.held.get(bucket)! - 1;
      if (left === 0) this.held.delete(bucket);
      else this.held.set(bucket, left);
    }
  }
}

function overloaded(): AuthError {
  return new AuthError('overloaded', 'The server is busy; try again shortly.', { retryAfterSeconds: RETRY_AFTER_SECONDS });
}
