// The routes that mail an address a link (a reset, a magic link) and must not tell whether an
// account has it: one schema, one answer.
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../../core/context.js';
import { requestContext } from '../../http.js';
import { freeText, ref, responses } from '../../schemas.js';

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
