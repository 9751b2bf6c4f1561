// What the admin routes share: the guard pair, the `:id` parameter schema, and the acting admin
// (who and from where) that every admin change is audited under.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ADMIN_ROLE, type AdminActor } from '../core/admin/admin.js';
import { currentAuth } from './auth-guard.js';
import { requestContext } from './http.js';
import { ID_PATTERN } from './schemas.js';

/** User ids are UUIDs; anything else (NUL bytes included, which PostgreSQL refuses) is a 400, not a 503. */
export const USER_ID_PATTERN = ID_PATTERN;

export const userIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: USER_ID_PATTERN } },
  required: ['id'],
} as const;

/** onRequest hooks of every admin route: a live session, then the admin role. */
export function adminGuard(app: FastifyInstance) {
  return [app.requireUser, app.requireRole(ADMIN_ROLE)];
}

export function adminActor(request: FastifyRequest): AdminActor {
  const { user, claims } = currentAuth(request);
  return { userId: user.id, sessionId: claims.sid, ...requestContext(request) };
}
