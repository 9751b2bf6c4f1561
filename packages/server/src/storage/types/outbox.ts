// The durable job outbox (docs/architecture.md, "Mail" and "Events"): a request that must send mail
// (or a webhook) writes a row in the same transaction as its state change; a worker claims due rows
// of a channel, delivers them and retries with backoff. Claims are leases, renewed while a delivery
// runs, so several instances never hold one row at once and a dead instance's rows soon come due.

/** A mail to send, as the request that wanted it wrote it. */
export interface OutboxMessage {
  /** UUIDv7: rows are claimed oldest first. */
  id: string;
  /** Which deliverer takes the row (jobs/job-worker.ts): 'mail' when absent. */
  channel?: string;
  /** What the row is within its channel: a MailKind (core/email/mail.ts) for mail. */
  kind: string;
  /** Where it goes: the address for mail. */
  recipient: string;
  /**
   * What the template needs, sealed by the mail layer (AES-256-GCM under a key derived from the
   * secret): it may hold a one-time token until the mail is out. The store keeps it opaque.
   */
  payload: string;
  createdAt: Date;
}

/** A row as the sender sees it after claiming it. */
export interface OutboxRow extends OutboxMessage {
  /** Delivery attempts so far, this claim included. */
  attempts: number;
  /** When the row may next be claimed: the lease's end while claimed, the retry time after a failure. */
  nextAttemptAt: Date;
  /** The last delivery failure, short, without the payload. */
  lastError: string | null;
}

/** One delivery's outcome, as OutboxStore.settle records it with others. */
export type OutboxResult = { id: string; sent: true } | { id: string; sent: false; error: string; retryAt: Date | null };

export interface OutboxStore {
  /** Writes one row, due at once (outside a transaction; the flows use AccountWrites.outbox). */
  enqueue(message: OutboxMessage): Promise<void>;
  /**
   * Claims up to `limit` rows that are due at `now` and not given up, oldest first: each claimed
   * row's attempts grows by one and its nextAttemptAt moves to now + leaseMs, so no other claim
   * takes it while this one is delivering (FOR UPDATE SKIP LOCKED on PostgreSQL and MySQL).
   */
  claimDue(now: Date, limit: number, leaseMs: number, channel?: string): Promise<OutboxRow[]>;
  /**
   * Moves a claimed row's lease from `leaseEnd` (its nextAttemptAt now) to `newEnd`, while its
   * delivery runs; false when the row is no longer held by that lease (sent, failed, or taken).
   */
  renewLease(id: string, leaseEnd: Date, newEnd: Date): Promise<boolean>;
  /** Delivered: the row is deleted, its payload with it. */
  markSent(id: string): Promise<void>;
  /**
   * Not delivered: due again at `retryAt`, or given up when it is null (the row stays with its
   * error, its payload emptied, and is never claimed again).
   */
  markFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  /**
   * The outcomes of a batch of deliveries in one transaction: each `sent` row as markSent, each
   * other as markFailed. A failure leaves every row of the batch as it was (still leased).
   */
  settle(results: readonly OutboxResult[]): Promise<void>;
  /**
   * Queues `message` again under its id (a manual webhook redelivery): a given-up row with that id
   * starts over with this payload, a missing one is written; false, and nothing changes, when a row
   * with that id is still to be delivered.
   */
  requeue(message: OutboxMessage): Promise<boolean>;
  /** Deletes every row addressed to `recipient`, waiting or given up (the account is deleted); how many. */
  deleteForRecipient(recipient: string): Promise<number>;
  /** Rows still to deliver, and rows given up: for /metrics. */
  counts(): Promise<{ pending: number; failed: number }>;
}
