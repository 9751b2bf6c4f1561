// POST /users/me/passkeys/options and POST /users/me/passkeys: the two steps of registering a
// passkey for the signed-in user, a change of a way in (docs/architecture.md, "Changing a way in").
import type { FastifyInstance } from 'fastify';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { toPublicPasskey } from './public-passkey.js';
import { creationOptionsSchema, passkeyName, passkeyWithPairSchema, registrationResponseSchema } from './schemas.js';

export function passkeyRegistrationRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.post('/users/me/passkeys/options', {
    // A new passkey is a whole multi-factor login by itself: adding one needs the proof of a change
    // of a way in (a recent sign-in covering the account's factors), at both steps.
    onRequest: app.requireUser,
    schema: {
      tags: ['passkeys'],
      summary: 'Registration options for a new passkey of the current user (a recent sign-in; valid 5 minutes, once)',
      security: bearerSecurity,
      response: responses({ 200: creationOptionsSchema }, [401, 403, 409, 503]),
    },
  }, async (request) => passkeys.registrationOptions(currentAuth(request)));

  app.post<{ Body: { response: RegistrationResponseJSON; name?: string } }>('/users/me/passkeys', {
    onRequest: app.requireUser,
    schema: {
      tags: ['passkeys'],
      summary: 'Register a passkey: the browser\'s answer to the registration options; the answer carries the caller\'s new pair (every other session ends)',
      security: bearerSecurity,
      body: {
        type: 'object', required: ['response'], additionalProperties: false,
        properties: { response: registrationResponseSchema, name: passkeyName },
      },
      response: responses({ 201: passkeyWithPairSchema }, [400, 401, 403, 409, 413, 415, 503]),
    },
  }, async (request, reply) => {
    const { passkey, pair } = await passkeys.register(currentAuth(request), request.body, requestContext(request));
    return reply.status(201).send({ ...toPublicPasskey(passkey), ...pair });
  });
}
