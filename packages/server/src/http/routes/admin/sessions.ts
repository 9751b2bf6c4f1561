// The admin API over a user's sessions: GET /admin/users/:id/sessions lists the live ones,
// DELETE /admin/users/:id/sessions ends them all, DELETE /admin/users/:id/sessions/:sid one of them
// (their access tokens fail on Gatehouse at once).
import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../../../core/admin/admin.js';
import { adminActor, adminGuard, userIdParams } from '../../admin-request.js';
import { currentAuth } from '../../auth-guard.js';
import { bearerSecurity, ID_PATTERN, ref, responses } from '../../schemas.js';
import { toPublicSession } from '../users/sessions.js';

const revokedSchema = {
  type: 'object',
  description: 'The user\'s sessions are ended',
  properties: { revoked: { type: 'integer', description: 'How many live sessions were ended' } },
  required: ['revoked'],
} as const;

export function adminSessionsRoutes(app: FastifyInstance, admin: AdminService): void {
  const guard = adminGuard(app);
  const common = { tags: ['admin'], security: bearerSecurity, params: userIdParams };

  app.get<{ Params: { id: string } }>('/admin/users/:id/sessions', {
    onRequest: guard,
    schema: { ...common, summary: 'The live sessions of a user, newest first',
      response: responses({ 200: { type: 'object', description: 'The sessions', properties: { sessions: { type: 'array', items: ref('Session') } }, required: ['sessions'] } },
        [401, 403, 404, 503]) },
  }, async (request) => {
    const sessions = await admin.listSessions(request.params.id);
    const callerSession = currentAuth(request).claims.sid;
    return { sessions: sessions.map((s) => toPublicSession(s, callerSession)) };
  });

  app.delete<{ Params: { id: string } }>('/admin/users/:id/sessions', {
    onRequest: guard,
    schema: { ...common, summary: 'End every session of a user', response: responses({ 200: revokedSchema }, [401, 403, 404, 503]) },
  }, async (request) => ({ revoked: await admin.revokeSessions(adminActor(request), request.params.id) }));

  app.delete<{ Params: { id: string; sid: string } }>('/admin/users/:id/sessions/:sid', {
    onRequest: guard,
    schema: { ...common, summary: 'End one session of a user',
      params: { type: 'object', properties: { ...userIdParams.properties, sid: { type: 'string', pattern: ID_PATTERN } }, required: ['id', 'sid'] },
      response: responses({ 204: { type: 'null', description: 'Ended' } }, [400, 401, 403, 404, 503]) },
  }, async (request, reply) => {
    await admin.revokeSession(adminActor(request), request.params.id, request.params.sid);
    return reply.status(204).send();
  });
}
