// GET /admin/audit (role admin): the stored audit events, newest first, filtered by subject,
// actor, type, address and time, in keyset pages. Served unless AUDIT_LOG=off.
import type { FastifyInstance } from 'fastify';
import type { AuditReader } from '../../../core/audit-query.js';
import { AuthError } from '../../../core/errors.js';
import { adminGuard, USER_ID_PATTERN } from '../../admin-request.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { auditPageSchema, DEFAULT_LIMIT, pageQueryProperties, toPageView } from '../audit-view.js';

interface AuditQueryString {
  user_id?: string;
  actor_id?: string;
  type?: string;
  ip?: string;
  from?: string;
  to?: string;
  limit?: string;
  after?: string;
}

/** An RFC 3339 time, or a date alone (midnight UTC). */
const TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user_id: { type: 'string', pattern: USER_ID_PATTERN, description: 'Events about this account (the subject)' },
    actor_id: { type: 'string', pattern: USER_ID_PATTERN, description: 'Events this user or admin caused' },
    type: { type: 'string', pattern: '^[a-z][a-z0-9_.]{0,63}$', description: 'One audit event type (docs/events.md)' },
    ip: { type: 'string', pattern: '^[0-9A-Fa-f.:]{2,45}$', description: 'The client address, exactly' },
    from: { type: 'string', pattern: TIME_PATTERN, description: 'Events at or after this time (RFC 3339)' },
    to: { type: 'string', pattern: TIME_PATTERN, description: 'Events at or before this time (RFC 3339)' },
    ...pageQueryProperties,
  },
} as const;

/** The time a `from`/`to` names; a well-formed but impossible one (month 13) is a 400. */
function time(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new AuthError('validation_failed', `querystring/${name} is not a valid time`);
  return parsed;
}

export function adminAuditRoute(app: FastifyInstance, reader: AuditReader): void {
  app.get<{ Querystring: AuditQueryString }>('/admin/audit', {
    onRequest: adminGuard(app),
    schema: {
      tags: ['admin'], security: bearerSecurity, querystring: querySchema,
      summary: 'Stored audit events, newest first, filtered, in keyset pages',
      response: responses({ 200: auditPageSchema }, [400, 401, 403, 503]),
    },
  }, async (request) => {
    const q = request.query;
    return toPageView(await reader.list({
      subjectId: q.user_id, actorId: q.actor_id, type: q.type, ip: q.ip, from: time('from', q.from), to: time('to', q.to),
      limit: q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit), after: q.after,
    }));
  });
}
