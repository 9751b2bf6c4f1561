// The audit store's subscriber (docs/architecture.md, "Events"): events are queued in memory and
// written together, one multi-row INSERT at most every second or per 500 events, so login,
// refresh and /users/me never wait on a write. Successful refresh rotations are summarised: one
// record per session and batch with `count`, not one per rotation (the busiest event by far).
import type { AuditEvent } from '../core/audit.js';
import type { AuditSubscriber } from '../core/audit-log.js';
import { toAuditRecord } from '../core/audit-record.js';
import type { Clock } from '../core/clock.js';
import type { AuditRecord, AuditStore } from '../storage/types/audit.js';

export interface AuditWriterDeps {
  store: Pick<AuditStore, 'append'>;
  clock: Clock;
  log: { warn(fields: object, message: string): void };
  /** How long an event may wait for its batch; 1 s by default. */
  flushIntervalMs?: number;
}

export interface AuditWriter {
  subscriber: AuditSubscriber;
  /** Writes what is queued now (tests, and the app's close). */
  flush(): Promise<void>;
  /** Stops the timer after a last flush. */
  close(): Promise<void>;
}

const BATCH_SIZE = 500;
/**
 * Past this many records held in memory (the database down for long), new ones are dropped and
 * counted: the queue and the batches waiting for their write count alike.
 */
const MAX_QUEUED = 50_000;

export function createAuditWriter(deps: AuditWriterDeps): AuditWriter {
  let queue: AuditRecord[] = [];
  let rotations = new Map<string, AuditRecord>();
  let dropped = 0;
  /** Records in batches taken from the queue whose write has not ended. */
  let writingRecords = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (queue.length + rotations.size >= BATCH_SIZE) void flush();
    else timer ??= setTimeout(() => void flush(), deps.flushIntervalMs ?? 1000).unref();
  }

  function subscriber(event: AuditEvent): void {
    if (queue.length + rotations.size + writingRecords >= MAX_QUEUED) {
      dropped += 1;
      return;
    }
    if (event.type === 'refresh' && event.outcome === 'rotated' && event.sessionId) {
      const summary = rotations.get(event.sessionId);
      if (summary) summary.data.count = Number(summary.data.count) + 1;
      else rotations.set(event.sessionId, withCount(toAuditRecord(event, deps.clock.now())));
    } else {
      queue.push(toAuditRecord(event, deps.clock.now()));
    }
    schedule();
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = [...queue, ...rotations.values()];
    queue = [];
    rotations = new Map();
    writingRecords += batch.length;
    // one write at a time, in order; a failed batch goes back to the front of the queue once
    writing = writing.then(async () => {
      if (dropped > 0) deps.log.warn({ dropped }, 'audit store: events dropped while the queue was full');
      dropped = 0;
      if (batch.length === 0) return;
      try {
        await deps.store.append(batch);
        writingRecords -= batch.length;
      } catch (error) {
        writingRecords -= batch.length;
        deps.log.warn({ err: error, events: batch.length }, 'audit store: could not write a batch; it is tried again with the next');
        queue = [...batch, ...queue].slice(0, MAX_QUEUED);
        timer ??= setTimeout(() => void flush(), deps.flushIntervalMs ?? 1000).unref(); // not at once: the store is down
      }
    });
    return writing;
  }

  return {
    subscriber,
    flush,
    async close() {
      await flush();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function withCount(record: AuditRecord): AuditRecord {
  return { ...record, data: { ...record.data, count: 1 } };
}
