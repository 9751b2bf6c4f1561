// The audit store (docs/architecture.md, "Events"): one record per audit event, kept in the SQL
// database beside the users for AUDIT_RETENTION, read newest first with keyset paging. A record
// holds ids, the origin and small typed facts: never a password, hash, token or code.

export interface AuditRecord {
  /** UUIDv7 taken at the event's time: ordering by id orders by time. */
  id: string;
  time: Date;
  type: string;
  /** Who acted: the signed-in user or admin; null when nobody was signed in. */
  actorId: string | null;
  /** The account acted on: the admin's target, else the actor; null when no account is known. */
  subjectId: string | null;
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
  /** The event's own fields (outcome, reason, factor, …), as the event union types them. */
  data: Record<string, unknown>;
}

/** A page request: every filter given must hold; newest first, strictly older than `after` (an id). */
export interface AuditQuery {
  /** The subject: events about this account. */
  subjectId?: string;
  actorId?: string;
  type?: string;
  ip?: string;
  /** Inclusive bounds on the event time. */
  from?: Date;
  to?: Date;
  after?: string;
  limit: number;
}

export interface AuditStore {
  /** Writes records in one statement (the subscriber batches them). */
  append(records: readonly AuditRecord[]): Promise<void>;
  /** At most `limit` records, newest first. */
  find(query: AuditQuery): Promise<AuditRecord[]>;
  /** Deletes up to `limit` records older than `before`; answers how many went (the sweeper repeats until 0). */
  deleteOlderThan(before: Date, limit: number): Promise<number>;
}
