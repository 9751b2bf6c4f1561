// POST /auth/refresh: the reissue (docs/architecture.md, "Refresh"), taking the (expired) access
// token and the refresh token together.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { noStore, requestContext } from '../../http.js';
import { ref, responses } from '../../schemas.js';

interface RefreshBody {
  access_token: string;
  refresh_token: string;
}

export function refreshRoute(app: FastifyInstance, auth: Pick<AuthService, 'refresh'>): void {
  app.post<{ Body: RefreshBody }>('/auth/refresh', {
    onRequest: noStore,
    schema: {
      tags: ['auth'],
      summary: 'Exchange the expired access token and the refresh token for a new pair',
      body: {
        type: 'object',
        required: ['access_token', 'refresh_token'],
        additionalProperties: false,
        properties: {
          access_token: { type: 'string', maxLength: 4096 },
          refresh_token: { type: 'string', maxLength: 4096 },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503]),
    },
  }, async (request) =>
    auth.refresh({ accessToken: request.body.access_token, refreshToken: request.body.refresh_token }, requestContext(request)));
}
