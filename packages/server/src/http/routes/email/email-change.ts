// POST /users/me/email (a confirmation link to the new address, a notice to the old one: a change
// of a way in, answered with the caller's new pair), POST /auth/email/change/confirm (the link's
// token makes the new address the account's) and POST /auth/email/change/cancel (the old address's
// "this wasn't me" link: the change is cancelled and every session ends).
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, freeText, responses, withNewPair } from '../../schemas.js';
import { useLinkRoute } from './link-routes.js';

export function emailChangeRoutes(app: FastifyInstance, accounts: AccountService): void {
  app.post<{ Body: { new_email: string; current_password?: string } }>('/users/me/email', {
    onRequest: app.requireUser,
    schema: {
      tags: ['email'],
      summary: 'Ask to change the address (a recent sign-in, or current_password): a confirmation link goes to the new one, a notice to the old',
      security: bearerSecurity,
      body: {
        type: 'object', required: ['new_email'], additionalProperties: false,
        properties: { new_email: freeText(254), current_password: { type: 'string', maxLength: 1024 } },
      },
      response: responses({
        202: withNewPair({ type: 'object', description: 'The confirmation mail is queued; the pair of the caller\'s new session', properties: { message: { type: 'string' } }, required: ['message'] }),
      },
        [400, 401, 403, 409, 413, 415, 429, 503]),
    },
  }, async (request, reply) => {
    const { new_email: newEmail, current_password: currentPassword } = request.body;
    const pair = await accounts.requestEmailChange(currentAuth(request), { newEmail, currentPassword }, requestContext(request));
    return reply.status(202).send({ message: 'A confirmation link is on its way to the new address.', ...pair });
  });

  useLinkRoute(app, '/auth/email/change/confirm', 'Confirm an address change with the token of its mailed link',
    [400, 409, 413, 415, 503], (token, ctx) => accounts.confirmEmailChange(token, ctx));
  useLinkRoute(app, '/auth/email/change/cancel', 'Cancel a pending address change ("this wasn\'t me", the notice\'s link); every session ends',
    [400, 413, 415, 503], (token, ctx) => accounts.cancelEmailChange(token, ctx));
}
