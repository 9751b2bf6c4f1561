// POST /auth/password/forgot (a reset link, answered alike for every address),
// POST /auth/password/reset/check (whether a reset link still works, spending nothing) and
// POST /auth/password/reset (a new password; every session of the user ends).
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { noStore, requestContext } from '../../http.js';
import { linkTokenSchema, responses } from '../../schemas.js';
import { mailAnAddressRoute } from './link-routes.js';

export function passwordResetRoutes(app: FastifyInstance, accounts: AccountService): void {
  mailAnAddressRoute(app, '/auth/password/forgot', 'Mail a password reset link', (email, ctx) => accounts.forgotPassword(email, ctx));

  app.post<{ Body: { token: string } }>('/auth/password/reset/check', {
    onRequest: noStore,
    schema: {
      tags: ['email'],
      summary: 'Whether a reset link still works (unused, unexpired, the password unchanged since), spending nothing',
      body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: linkTokenSchema } },
      response: responses({ 204: { type: 'null', description: 'The link works' } }, [400, 404, 413, 415, 429, 503]),
    },
  }, async (request, reply) => {
    await accounts.checkResetLink(request.body.token);
    return reply.status(204).send();
  });

  app.post<{ Body: { token: string; new_password: string } }>('/auth/password/reset', {
    onRequest: noStore,
    schema: {
      tags: ['email'],
      summary: 'Set a new password with the token of a reset link; every session of the user ends',
      body: {
        type: 'object', required: ['token', 'new_password'], additionalProperties: false,
        properties: { token: linkTokenSchema, new_password: { type: 'string', maxLength: 1024 } },
      },
      response: responses({ 204: { type: 'null', description: 'Password set; every session ended; a notice mailed' } },
        [400, 404, 413, 415, 429, 503]),
    },
  }, async (request, reply) => {
    await accounts.resetPassword({ token: request.body.token, newPassword: request.body.new_password }, requestContext(request));
    return reply.status(204).send();
  });
}
