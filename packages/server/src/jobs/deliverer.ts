// One channel of the job outbox (docs/architecture.md, "Events"): mail, webhook. The worker claims
// a channel's rows and hands each to its deliverer, at most `concurrency` at once, so a slow mail
// server or webhook endpoint holds only its own channel's slots.
import type { OutboxRow } from '../storage/types/outbox.js';

export interface Deliverer {
  /** The outbox rows it takes (OutboxMessage.channel). */
  readonly channel: string;
  /** Deliveries in flight at once for this channel, in one process. */
  readonly concurrency: number;
  /**
   * Delivers a claimed row and records the outcome itself (markSent, or markFailed with a retry
   * time or for good); it rejects only when the store is unreachable.
   */
  deliver(row: OutboxRow): Promise<void>;
  /** Releases connections (the SMTP pool) once the worker stopped. */
  close(): void;
}
