// POST /auth/federated/exchange: the app trades the one-time code of the callback's redirect for a
// token pair (tokens never travel in a URL).
import type { FastifyInstance } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import { noStore, requestContext } from '../../http.js';
import { ref, responses } from '../../schemas.js';

export function exchangeRoute(app: FastifyInstance, federation: FederationService): void {
  app.post<{ Body: { code: string } }>('/auth/federated/exchange', {
    onRequest: noStore,
    schema: {
      tags: ['federation'],
      summary: 'Exchange the one-time code of a federated sign-in for a token pair',
      body: {
        type: 'object', required: ['code'], additionalProperties: false,
        properties: { code: { type: 'string', minLength: 1, maxLength: 128, description: 'The `code` parameter the app\'s page received' } },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 403, 413, 415, 503], { 400: 'Invalid body, or (code invalid_code) the code is unknown, expired or used' }),
    },
  }, async (request) => federation.exchange(request.body.code, requestContext(request)));
}
