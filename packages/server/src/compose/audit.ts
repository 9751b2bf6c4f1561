// The audit log as compose.ts wires it (docs/architecture.md, "Events"): the log line, metrics
// and, unless AUDIT_LOG=off, the audit store's batched writer (its retention is one of the sweeper's targets).
import type { pino } from 'pino';
import type { AuditSettings } from '../config/audit-settings.js';
import type { AuditSink } from '../core/audit.js';
import { createAuditLog, type AuditSubscriber } from '../core/audit-log.js';
import type { Clock } from '../core/clock.js';
import { createAuditWriter, type AuditWriter } from '../jobs/audit-writer.js';
import type { AuditStore } from '../storage/types/audit.js';

export interface AuditParts {
  audit: AuditSink;
  /** Undefined under AUDIT_LOG=off. */
  writer: AuditWriter | undefined;
}

export function createAuditParts(
  settings: Readonly<AuditSettings>, deps: { store: AuditStore; clock: Clock; logger: pino.Logger; metrics: AuditSubscriber; also?: AuditSubscriber[] },
): AuditParts {
  const writer = settings.store ? createAuditWriter({ store: deps.store, clock: deps.clock, log: deps.logger }) : undefined;
  const audit = createAuditLog(deps.logger, deps.metrics, ...(writer ? [writer.subscriber] : []), ...(deps.also ?? []));
  return { audit, writer };
}
