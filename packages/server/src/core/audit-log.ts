// The one audit log (docs/architecture.md, "Events"): every AuditEvent of core/audit.ts goes to each
// subscriber in turn — the log line, metrics, the audit store, webhooks. A subscriber that throws
// is reported to the log and never stops the others or the request that raised the event.
import type { AuditEvent, AuditSink } from './audit.js';

/** One consumer of audit events: it must return at once (queue, do not wait on I/O). */
export type AuditSubscriber = (event: AuditEvent) => void;

/** What the log subscriber writes to: pino's warn and info, or anything shaped like them. */
export interface AuditLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Refresh-token reuse and a cloned passkey are the events to alert on: warn; the rest info. */
export function logSubscriber(logger: AuditLogger): AuditSubscriber {
  return (event) => {
    const alert = (event.type === 'refresh' && event.outcome === 'reused_revoked') || event.type === 'passkey_clone_detected';
    if (alert) logger.warn({ audit: event }, event.type);
    else logger.info({ audit: event }, event.type);
  };
}

/** The log line first, then each subscriber (metrics, store, webhooks) in the order given. */
export function createAuditLog(logger: AuditLogger, ...subscribers: AuditSubscriber[]): AuditSink {
  const all = [logSubscriber(logger), ...subscribers];
  return (event: AuditEvent) => {
    for (const subscriber of all) {
      try {
        subscriber(event);
      } catch (error) {
        logger.warn({ err: error, auditType: event.type }, 'audit subscriber failed; the event still went to the others');
      }
    }
  };
}
