// GET /users/me/passkeys, PATCH and DELETE /users/me/passkeys/:id: the current user's passkeys.
// Deleting one needs re-authentication (auth_time within REAUTH_MAX_AGE).
import type { FastifyInstance } from 'fastify';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, ID_PATTERN, ref, responses } from '../../schemas.js';
import { toPublicPasskey } from './public-passkey.js';
import { passkeyName } from './schemas.js';

const params = { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN } }, required: ['id'] } as const;

export function myPasskeysRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.get('/users/me/passkeys', {
    onRequest: app.requireUser,
    schema: {
      tags: ['passkeys'],
      summary: 'The current user\'s passkeys, oldest first',
      security: bearerSecurity,
      response: responses({
        200: { type: 'object', description: 'The passkeys', properties: { passkeys: { type: 'array', items: ref('Passkey') } }, required: ['passkeys'] },
      }, [401, 403, 503]),
    },
  }, async (request) => ({ passkeys: (await passkeys.list(currentAuth(request).user.id)).map(toPublicPasskey) }));

  app.patch<{ Params: { id: string }; Body: { name: string } }>('/users/me/passkeys/:id', {
    onRequest: app.requireUser,
    schema: {
      tags: ['passkeys'],
      summary: 'Rename one of the current user\'s passkeys',
      security: bearerSecurity,
      params,
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: passkeyName } },
      response: responses({ 200: ref('Passkey') }, [400, 401, 403, 404, 413, 415, 503]),
    },
  }, async (request) => toPublicPasskey(await passkeys.rename(currentAuth(request).user.id, request.params.id, request.body.name)));

  app.delete<{ Params: { id: string } }>('/users/me/passkeys/:id', {
    onRequest: [app.requireUser, app.requireRecentAuth], // removing a way to sign in needs a recent sign-in
    schema: {
      tags: ['passkeys'],
      summary: 'Delete one of the current user\'s passkeys (needs a recent sign-in: POST /auth/reauthenticate)',
      security: bearerSecurity,
      params,
      response: responses({ 204: { type: 'null', description: 'Deleted' } }, [401, 403, 404, 503]),
    },
  }, async (request, reply) => {
    await passkeys.remove(currentAuth(request).user.id, request.params.id, requestContext(request));
    return reply.status(204).send();
  });
}
