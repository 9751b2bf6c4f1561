// POST /auth/logout: ends this session (scope=local, the default), the user's other sessions
// (others) or all of them (global). Idempotent: logging out twice answers 204 twice.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import type { LogoutScope } from '../../../core/sessions/logout.js';
import { readBearerToken } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, responses } from '../../schemas.js';

interface LogoutBody {
  refresh_token?: string;
  scope?: LogoutScope;
}

export function logoutRoute(app: FastifyInstance, auth: Pick<AuthService, 'logout'>): void {
  app.post<{ Body: LogoutBody | undefined; Querystring: { scope?: LogoutScope } }>('/auth/logout', {
    schema: {
      tags: ['auth'],
      summary: 'Log out this session, the others, or all (scope=local|others|global)',
      security: bearerSecurity,
      querystring: { type: 'object', properties: { scope: { type: 'string', enum: ['local', 'others', 'global'] } } },
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          refresh_token: { type: 'string', maxLength: 4096 },
          scope: { type: 'string', enum: ['local', 'others', 'global'] },
        },
      },
      response: responses({ 204: { type: 'null', description: 'Logged out' } }, [400, 401, 403, 413, 415, 503]),
    },
  }, async (request, reply) => {
    const scope = request.body?.scope ?? request.query.scope ?? 'local';
    await auth.logout({ accessToken: readBearerToken(request), refreshToken: request.body?.refresh_token, scope }, requestContext(request));
    return reply.status(204).send();
  });
}
