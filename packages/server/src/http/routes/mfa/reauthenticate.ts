// POST /auth/reauthenticate: prove who you are again (password, TOTP code or passkey) before a
// sensitive action; the answer is the pair of a new session whose auth_time is now.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { REAUTHENTICATION_FACTORS } from '../../../core/login/second-factors.js';
import type { ReauthenticationProof } from '../../../core/login/reauthenticate.js';
import { authenticationResponseSchema } from '../passkeys/schemas.js';
import { currentAuth } from '../../auth-guard.js';
import { noStore, requestContext } from '../../http.js';
import { bearerSecurity, ref, responses } from '../../schemas.js';

export function reauthenticateRoute(app: FastifyInstance, auth: Pick<AuthService, 'reauthenticate'>): void {
  app.post<{ Body: ReauthenticationProof }>('/auth/reauthenticate', {
    onRequest: [noStore, app.requireUser],
    schema: {
      tags: ['auth'],
      summary: 'Renew auth_time with the password, a TOTP code or a passkey; the caller\'s session is replaced by a new one',
      security: bearerSecurity,
      body: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          password: { type: 'string', maxLength: 1024 },
          code: { type: 'string', maxLength: 64, description: 'A 6-digit TOTP code (instead of the password)' },
          factor: { type: 'string', enum: [...REAUTHENTICATION_FACTORS], description: 'The factor of `code` (default totp)' },
          passkey: { ...authenticationResponseSchema, description: 'A passkey\'s answer to POST /auth/reauthenticate/passkey/options' },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503],
        { 200: 'The token pair of the caller\'s new session', 403: 'Wrong password (invalid_current_password) or code (invalid_mfa_code; a used TOTP code: totp_code_used)' }),
    },
  }, async (request) => auth.reauthenticate(currentAuth(request), request.body, requestContext(request)));
}
