// POST /users/me/passkeys/options and POST /users/me/passkeys: the two steps of registering a
// passkey for the signed-in user.
import type { FastifyInstance } from 'fastify';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, ref, responses } from '../../schemas.js';
import { toPublicPasskey } from './public-passkey.js';
import { creationOptionsSchema, passkeyName, registrationResponseSchema } from './schemas.js';

export function passkeyRegistrationRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.post('/users/me/passkeys/options', {
    // A new passkey is a whole multi-factor login by itself: adding one needs a recent sign-in, or a
    // stolen access token could add a way in that skips the second factor. The options' challenge
    // is bound to the user and lives 5 minutes, so the second step needs no check of its own.
    onRequest: [app.requireUser, app.requireRecentAuth],
    schema: {
      tags: ['passkeys'],
      summary: 'Registration options for a new passkey of the current user (a recent sign-in; valid 5 minutes, once)',
      security: bearerSecurity,
      response: responses({ 200: creationOptionsSchema }, [401, 403, 409, 503]),
    },
  }, async (request) => passkeys.registrationOptions(currentAuth(request).user));

  app.post<{ Body: { response: RegistrationResponseJSON; name?: string } }>('/users/me/passkeys', {
    onRequest: app.requireUser,
    schema: {
      tags: ['passkeys'],
      summary: 'Register a passkey: the browser\'s answer to the registration options',
      security: bearerSecurity,
      body: {
        type: 'object', required: ['response'], additionalProperties: false,
        properties: { response: registrationResponseSchema, name: passkeyName },
      },
      response: responses({ 201: ref('Passkey') }, [400, 401, 403, 409, 413, 415, 503]),
    },
  }, async (request, reply) => {
    const passkey = await passkeys.register(currentAuth(request).user, request.body, requestContext(request));
    return reply.status(201).send(toPublicPasskey(passkey));
  });
}
