// GET /users/me/sessions and DELETE /users/me/sessions/:id: a user's own devices.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { listedTime } from '../../../core/sessions/session-list.js';
import type { SessionRecord } from '../../../storage/types/stores.js';
import { currentAuth } from '../../auth-guard.js';
import { bearerSecurity, ID_PATTERN, ref, responses } from '../../schemas.js';

export function sessionsRoutes(app: FastifyInstance, auth: Pick<AuthService, 'listSessions' | 'revokeSession'>): void {
  app.get('/users/me/sessions', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'],
      summary: 'The live sessions (devices) of the current user, newest first',
      security: bearerSecurity,
      response: responses({
        200: { type: 'object', description: 'The sessions', properties: { sessions: { type: 'array', items: ref('Session') } }, required: ['sessions'] },
      }, [401, 403, 503]),
    },
  }, async (request) => {
    const { user, claims } = currentAuth(request);
    const sessions = await auth.listSessions(user.id);
    return { sessions: sessions.map((s) => toPublicSession(s, claims.sid)) };
  });

  app.delete<{ Params: { id: string } }>('/users/me/sessions/:id', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'],
      summary: 'Log out one of the current user\'s sessions',
      security: bearerSecurity,
      params: { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN } }, required: ['id'] },
      response: responses({ 204: { type: 'null', description: 'Revoked' } }, [401, 403, 404, 503]),
    },
  }, async (request, reply) => {
    await auth.revokeSession(currentAuth(request).user.id, request.params.id);
    return reply.status(204).send();
  });
}

/** A session as users and admins see it: its times to the hour only (listedTime says why). */
export function toPublicSession(session: SessionRecord, currentId: string) {
  return {
    id: session.id,
    current: session.id === currentId,
    created_at: listedTime(session.createdAt),
    last_used_at: listedTime(session.lastUsedAt),
    expires_at: listedTime(session.expiresAt),
    ip: session.ip,
    user_agent: session.userAgent,
  };
}
