// POST /auth/federated/exchange: the app trades the one-time code of the callback's redirect for a
// token pair (tokens never travel in a URL), proving with its code_verifier that it started the sign-in.
import type { FastifyInstance } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import { noStore, requestContext } from '../../http.js';
import { ref, responses } from '../../schemas.js';

export function exchangeRoute(app: FastifyInstance, federation: FederationService): void {
  app.post<{ Body: { code: string; code_verifier?: string } }>('/auth/federated/exchange', {
    onRequest: noStore,
    schema: {
      tags: ['federation'],
      summary: 'Exchange the one-time code of a federated sign-in for a token pair',
      body: {
        type: 'object', required: ['code'], additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1, maxLength: 128, description: 'The `code` parameter the app\'s page received' },
          code_verifier: { type: 'string', maxLength: 128, description: 'RFC 7636: the secret whose S256 `code_challenge` the app sent to the start (required)' },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 403, 413, 415, 503], {
        400: 'Invalid body; invalid_code_verifier (missing or malformed); invalid_code: the code is unknown, expired, used, or not this verifier\'s',
      }),
    },
  }, async (request) => federation.exchange(request.body.code, request.body.code_verifier, requestContext(request)));
}
