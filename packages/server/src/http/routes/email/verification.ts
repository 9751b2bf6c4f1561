// POST /auth/email/verify/send (a link to the signed-in user's address) and POST /auth/email/verify
// (the link's token marks the address verified).
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, ref, responses } from '../../schemas.js';
import { useLinkRoute } from './link-routes.js';

export function verificationRoutes(app: FastifyInstance, accounts: AccountService): void {
  app.post('/auth/email/verify/send', {
    onRequest: app.requireUser,
    schema: {
      tags: ['email'],
      summary: 'Mail a verification link to the signed-in user\'s address',
      security: bearerSecurity,
      response: responses({ 202: { ...ref('Accepted'), description: 'The mail is queued' } }, [401, 403, 404, 409, 429, 503]),
    },
  }, async (request, reply) => {
    await accounts.sendVerification(currentAuth(request).user, requestContext(request));
    return reply.status(202).send({ message: 'A verification link is on its way.' });
  });

  useLinkRoute(app, '/auth/email/verify', 'Verify an email address with the token of its mailed link', [400, 404, 413, 415, 503],
    (token, ctx) => accounts.verifyEmail(token, ctx));
}
