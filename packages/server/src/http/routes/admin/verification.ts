// POST /admin/users/:id/email/verify/send: an admin mails a user a new verification link (the
// user's own route, asked for on their behalf; the same limits apply). Served with the mail routes.
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import type { AdminService } from '../../../core/admin/admin.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, ref, responses } from '../../schemas.js';
import { adminGuard, userIdParams } from '../../admin-request.js';

export function adminVerificationRoute(app: FastifyInstance, admin: AdminService, accounts: AccountService): void {
  app.post<{ Params: { id: string } }>('/admin/users/:id/email/verify/send', {
    onRequest: adminGuard(app),
    schema: {
      tags: ['admin'], security: bearerSecurity, summary: 'Mail the user a new verification link', params: userIdParams,
      response: responses({ 202: { ...ref('Accepted'), description: 'The mail is queued' } }, [401, 403, 404, 409, 429, 503]),
    },
  }, async (request, reply) => {
    await accounts.sendVerification(await admin.getUser(request.params.id), requestContext(request));
    return reply.status(202).send({ message: 'A verification link is on its way.' });
  });
}
