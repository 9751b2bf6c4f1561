// An audit event as the audit store keeps it (docs/architecture.md, "Events"): who acted, on
// whom, from where, and the event's own fields as `data`. The union of core/audit.ts is the one
// source: the record takes whatever fields an event type has, so a new type needs nothing here.
import { v7 as uuidv7 } from 'uuid';
import type { AuditEvent } from './audit.js';
import type { AuditRecord } from '../storage/types/audit.js';

/** The fields every event may carry, kept in columns; the rest of an event is its `data`. */
const COLUMN_FIELDS = new Set(['type', 'userId', 'sessionId', 'ip', 'userAgent', 'targetUserId']);

/** The last id's time and sequence: ids of one process grow strictly, even within a millisecond. */
const last = { ms: -1, seq: 0 };

/** A UUIDv7 after every earlier one of this process, and the time it encodes (not before the last). */
function nextId(timeMs: number): { id: string; ms: number } {
  if (timeMs > last.ms) Object.assign(last, { ms: timeMs, seq: Math.floor(Math.random() * 2 ** 20) });
  else last.seq += 1; // a later event in the same millisecond (or a clock that stepped back)
  return { id: uuidv7({ msecs: last.ms, seq: last.seq }), ms: last.ms };
}

/** The record of `event` at `timeMs`; its id is a UUIDv7 of that time, after every earlier one. */
export function toAuditRecord(event: AuditEvent, timeMs: number): AuditRecord {
  const { id, ms } = nextId(timeMs);
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!COLUMN_FIELDS.has(key) && value !== undefined) data[key] = value;
  }
  const target = 'targetUserId' in event ? event.targetUserId : undefined;
  return {
    id,
    time: new Date(ms),
    type: event.type,
    actorId: event.userId ?? null,
    subjectId: target ?? event.userId ?? null,
    ip: event.ip === undefined || event.ip === 'unknown' ? null : event.ip, // account_deleted keeps neither
    userAgent: event.userAgent ?? null,
    sessionId: event.sessionId ?? null,
    data,
  };
}
