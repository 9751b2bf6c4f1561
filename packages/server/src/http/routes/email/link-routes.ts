// The two shapes the mail routes share: a route that mails an address a link (a reset, a magic
// link) and must not tell whether an account has it, and a route that takes a mailed link's
// token and answers the user it changed.
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../../core/context.js';
import { toPublicUser } from '../../../core/accounts/user-rules.js';
import type { UserRecord } from '../../../storage/types/stores.js';
import { requestContext } from '../../http.js';
import { freeText, linkTokenSchema, ref, responses } from '../../schemas.js';

/** The one answer of every 202 that must not tell whether the address has an account. */
const ACCEPTED = { message: 'If an account has this address, a mail is on its way.' } as const;

/** A route that mails an address (`send`) and answers 202 ACCEPTED whether or not an account has it. */
export function mailAnAddressRoute(
  app: FastifyInstance, path: string, summary: string, send: (email: string, ctx: RequestContext) => Promise<void>,
): void {
  app.post<{ Body: { email: string } }>(path, {
    schema: {
      tags: ['email'],
      summary: `${summary}; the answer is the same for addresses without an account`,
      body: { type: 'object', required: ['email'], additionalProperties: false, properties: { email: freeText(254) } },
      response: responses({ 202: ref('Accepted') }, [400, 404, 413, 415, 429, 503]),
    },
  }, async (request, reply) => {
    await send(request.body.email, requestContext(request));
    return reply.status(202).send(ACCEPTED);
  });
}

/** A route that takes the token of a mailed link (`use`) and answers the user as it now is. */
export function useLinkRoute(
  app: FastifyInstance, path: string, summary: string, errorStatuses: number[],
  use: (token: string, ctx: RequestContext) => Promise<UserRecord>,
): void {
  app.post<{ Body: { token: string } }>(path, {
    schema: {
      tags: ['email'],
      summary,
      body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: linkTokenSchema } },
      response: responses({ 200: ref('User') }, errorStatuses),
    },
  }, async (request) => toPublicUser(await use(request.body.token, requestContext(request))));
}
