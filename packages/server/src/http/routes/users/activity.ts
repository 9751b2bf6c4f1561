// GET /users/me/activity: a person's own recent sign-ins and security events (logins and their
// failures, password, email and factor changes, sessions ended), newest first, in keyset pages.
// Served unless AUDIT_LOG=off.
import type { FastifyInstance } from 'fastify';
import type { AuditReader } from '../../../core/audit-query.js';
import { currentAuth } from '../../auth-guard.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { auditPageSchema, DEFAULT_LIMIT, pageQueryProperties, toOwnPageView } from '../audit-view.js';

export function activityRoute(app: FastifyInstance, reader: AuditReader): void {
  app.get<{ Querystring: { limit?: string; after?: string } }>('/users/me/activity', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'], security: bearerSecurity, summary: 'The current user\'s own recent sign-ins and security events, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: pageQueryProperties },
      response: responses({ 200: auditPageSchema }, [400, 401, 403, 503]),
    },
  }, async (request) => {
    const limit = request.query.limit === undefined ? DEFAULT_LIMIT : Number(request.query.limit);
    const { id } = currentAuth(request).user;
    return toOwnPageView(await reader.activity(id, { limit, after: request.query.after }), id);
  });
}
