// POST /auth/magic-link (a link and a 6-digit code, answered alike for every address) and
// POST /auth/magic-link/verify (either one logs in once).
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { noStore, requestContext } from '../../http.js';
import { freeText, linkTokenSchema, ref, responses } from '../../schemas.js';
import { mailAnAddressRoute } from './link-routes.js';

type VerifyBody = { token: string } | { email: string; code: string };

export function magicLinkRoutes(app: FastifyInstance, accounts: AccountService): void {
  mailAnAddressRoute(app, '/auth/magic-link', 'Mail a login link and code', (email, ctx) => accounts.requestMagicLink(email, ctx));

  app.post<{ Body: VerifyBody }>('/auth/magic-link/verify', {
    onRequest: noStore,
    schema: {
      tags: ['email'],
      summary: 'Log in with the token of a magic link, or with the address and the mailed 6-digit code',
      body: {
        oneOf: [
          { type: 'object', required: ['token'], additionalProperties: false, properties: { token: linkTokenSchema } },
          {
            type: 'object', required: ['email', 'code'], additionalProperties: false,
            properties: { email: freeText(254), code: { type: 'string', pattern: '^[0-9]{6}$', description: 'The 6 digits of the mail' } },
          },
        ],
      },
      response: responses({ 200: ref('TokenPair') }, [400, 403, 404, 413, 415, 429, 503]),
    },
  }, async (request) => accounts.magicLinkLogin(request.body, requestContext(request)));
}
