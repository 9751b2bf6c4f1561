// POST /auth/reauthenticate/passkey/options: the options a signed-in user answers with one of their
// own passkeys, to send as `passkey` to POST /auth/reauthenticate.
import type { FastifyInstance } from 'fastify';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { currentAuth } from '../../auth-guard.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { requestOptionsSchema } from './schemas.js';

export function passkeyStepUpRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.post('/auth/reauthenticate/passkey/options', {
    onRequest: app.requireUser,
    schema: {
      tags: ['auth'],
      summary: 'Options to re-authenticate with one of the current user\'s passkeys (valid 5 minutes, once)',
      security: bearerSecurity,
      response: responses({ 200: requestOptionsSchema }, [401, 403, 503]),
    },
  }, async (request) => passkeys.optionsForUser(currentAuth(request).user.id));
}
