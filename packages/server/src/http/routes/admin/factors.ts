// The admin API over a user's second factors: see them, and reset them (every factor goes, and so
// do the user's sessions and pending logins) for a user who lost their device and codes.
import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../../../core/admin/admin.js';
import { adminActor, adminGuard, userIdParams } from '../../admin-request.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { factorSummarySchema } from '../mfa/schemas.js';

export function adminFactorRoutes(app: FastifyInstance, admin: AdminService): void {
  const guard = adminGuard(app);
  const common = { tags: ['admin'], security: bearerSecurity, params: userIdParams };

  app.get<{ Params: { id: string } }>('/admin/users/:id/mfa', {
    onRequest: guard,
    schema: { ...common, summary: 'A user\'s second factors', response: responses({ 200: factorSummarySchema }, [400, 401, 403, 404, 503]) },
  }, async (request) => admin.userFactors(request.params.id));

  app.delete<{ Params: { id: string } }>('/admin/users/:id/mfa', {
    onRequest: guard,
    schema: {
      ...common, summary: 'Reset a user\'s second factors; their sessions end',
      response: responses({ 200: { type: 'object', description: 'Reset', properties: { revoked_sessions: { type: 'integer' } }, required: ['revoked_sessions'] } },
        [400, 401, 403, 404, 503]),
    },
  }, async (request) => ({ revoked_sessions: await admin.resetFactors(adminActor(request), request.params.id) }));
}
