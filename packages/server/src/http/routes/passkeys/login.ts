// POST /auth/passkey/options and POST /auth/passkey/verify: signing in with a passkey, with a
// username (its passkeys) or without (a discoverable credential). A passkey is multi-factor by itself.
import type { FastifyInstance } from 'fastify';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { noStore, requestContext } from '../../http.js';
import { freeText, ref, responses } from '../../schemas.js';
import { authenticationResponseSchema, requestOptionsSchema } from './schemas.js';

export function passkeyLoginRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.post<{ Body: { username?: string } | undefined }>('/auth/passkey/options', {
    schema: {
      tags: ['auth'],
      summary: 'Options to sign in with a passkey (valid 5 minutes, once); with a username, that account\'s passkeys',
      body: {
        type: 'object', additionalProperties: false,
        properties: { username: freeText(254, { minLength: 1, description: 'Username or email; omit it for a discoverable passkey' }) },
      },
      response: responses({ 200: requestOptionsSchema }, [400, 413, 415, 429, 503]),
    },
  }, async (request) => passkeys.authenticationOptions({ username: request.body?.username }, requestContext(request)));

  app.post<{ Body: { response: AuthenticationResponseJSON } }>('/auth/passkey/verify', {
    onRequest: noStore,
    schema: {
      tags: ['auth'],
      summary: 'Sign in with a passkey: the browser\'s answer to the options',
      body: { type: 'object', required: ['response'], additionalProperties: false, properties: { response: authenticationResponseSchema } },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503], { 401: 'Unknown passkey, a response that does not verify, or a cloned authenticator' }),
    },
  }, async (request) => passkeys.login(request.body, requestContext(request)));
}
