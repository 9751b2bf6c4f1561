// Webhook messages written in the transaction of the change they tell of (docs/events.md,
// "Guarantees"): a flow reads the rows of its audit event before its transaction opens (the
// endpoint list may need a read, which on SQLite would wait for the transaction's own connection),
// enqueues them with AccountWrites.outbox inside it, and wakes the worker after the commit.
import type { AuditEvent, AuditEventType } from '../audit.js';
import type { OutboxMessage } from '../../storage/types/outbox.js';

/** Audit events whose flows write their webhook rows themselves, in their transaction: the subscriber skips them. */
export const WEBHOOKS_IN_TRANSACTION: ReadonlySet<AuditEventType> = new Set<AuditEventType>([
  'account_deleted', 'admin_user_deleted', 'email_verified', 'email_changed', 'password_reset',
]);

export interface TransactionalWebhooks {
  /** The outbox rows of `event` for the endpoints that listen now; call it before the transaction opens. */
  rowsOf(event: AuditEvent): Promise<OutboxMessage[]>;
  /** After the commit: the webhook worker looks at once. */
  wake(): void;
}
