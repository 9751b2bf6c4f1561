// The answer shape of an audit record (AuditEvent in docs/api.md), shared by GET /admin/audit and
// GET /users/me/activity, with the page schema and the `limit`/`after` query fields.
import type { AuditPage } from '../../core/audit-query.js';
import type { AuditRecord } from '../../storage/types/audit.js';
import { ID_PATTERN } from '../schemas.js';

export const auditEventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'UUIDv7: ids order as times do' },
    time: { type: 'string', format: 'date-time' },
    type: { type: 'string', description: 'An audit event type (docs/events.md)' },
    actor_id: { type: ['string', 'null'], description: 'Who acted (the user, or an admin); null when nobody was signed in' },
    subject_id: { type: ['string', 'null'], description: 'The account acted on' },
    ip: { type: ['string', 'null'] },
    user_agent: { type: ['string', 'null'] },
    session_id: { type: ['string', 'null'] },
    data: { type: 'object', additionalProperties: true, description: 'The event\'s own fields (outcome, reason, factor, …); never a secret' },
  },
  required: ['id', 'time', 'type', 'actor_id', 'subject_id', 'ip', 'user_agent', 'session_id', 'data'],
} as const;

export const auditPageSchema = {
  type: 'object',
  description: 'A page of audit events, newest first',
  properties: {
    events: { type: 'array', items: auditEventSchema },
    next_cursor: { type: ['string', 'null'], description: 'Pass as `after` for the next page; null on the last' },
  },
  required: ['events', 'next_cursor'],
} as const;

export const DEFAULT_LIMIT = 50;

export const pageQueryProperties = {
  limit: { type: 'string', pattern: '^(200|1[0-9]{2}|[1-9][0-9]?)$', description: `Events per page, 1 to 200 (default ${DEFAULT_LIMIT})` },
  after: { type: 'string', pattern: ID_PATTERN, description: 'next_cursor of the previous page' },
} as const;

export function toAuditView(record: AuditRecord) {
  return {
    id: record.id, time: record.time.toISOString(), type: record.type, actor_id: record.actorId, subject_id: record.subjectId,
    ip: record.ip, user_agent: record.userAgent, session_id: record.sessionId, data: record.data,
  };
}

export function toPageView(page: AuditPage) {
  return { events: page.events.map(toAuditView), next_cursor: page.nextCursor };
}

/**
 * A person's own page: what someone else did to their account (an admin) keeps its type and time,
 * but not that person's address, browser, session or id.
 */
export function toOwnPageView(page: AuditPage, userId: string) {
  const events = page.events.map((record) => (record.actorId === null || record.actorId === userId
    ? toAuditView(record)
    : { ...toAuditView(record), actor_id: null, ip: null, user_agent: null, session_id: null }));
  return { events, next_cursor: page.nextCursor };
}
