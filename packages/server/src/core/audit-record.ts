// An audit event as the audit store keeps it (docs/architecture.md, "Events"): who acted, on
// whom, from where, and the event's own fields as `data`. The union of core/audit.ts is the one
// source: the record takes whatever fields an event type has, so a new type needs nothing here.
import { v7 as uuidv7 } from 'uuid';
import type { AuditEvent } from './audit.js';
import type { AuditRecord } from '../storage/types/audit.js';

/** The fields every event may carry, kept in columns; the rest of an event is its `data`. */
const COLUMN_FIELDS = new Set(['type', 'userId', 'sessionId', 'ip', 'userAgent', 'targetUserId']);

/** The record of `event` at `timeMs`; its id is a UUIDv7 of that time. */
export function toAuditRecord(event: AuditEvent, timeMs: number): AuditRecord {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!COLUMN_FIELDS.has(key) && value !== undefined) data[key] = value;
  }
  const target = 'targetUserId' in event ? event.targetUserId : undefined;
  return {
    id: uuidv7({ msecs: timeMs }),
    time: new Date(timeMs),
    type: event.type,
    actorId: event.userId ?? null,
    subjectId: target ?? event.userId ?? null,
    ip: event.ip === 'unknown' ? null : event.ip,
    userAgent: event.userAgent,
    sessionId: event.sessionId ?? null,
    data,
  };
}
