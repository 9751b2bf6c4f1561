// POST /auth/mfa/verify: the second step of a login that answered 403 mfa_required.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { SECOND_FACTORS, type SecondFactor } from '../../../core/login/second-factors.js';
import { noStore, requestContext } from '../../http.js';
import { ref, responses } from '../../schemas.js';

interface VerifyBody {
  mfa_token: string;
  factor: SecondFactor;
  code: string;
}

export function mfaVerifyRoute(app: FastifyInstance, auth: Pick<AuthService, 'verifyMfa'>): void {
  app.post<{ Body: VerifyBody }>('/auth/mfa/verify', {
    onRequest: noStore,
    schema: {
      tags: ['auth'],
      summary: 'Finish a login with a second factor: the mfa_token of the 403 mfa_required answer and a code',
      body: {
        type: 'object',
        required: ['mfa_token', 'factor', 'code'],
        additionalProperties: false,
        properties: {
          mfa_token: { type: 'string', maxLength: 128 },
          factor: { type: 'string', enum: [...SECOND_FACTORS], description: 'One of the factors the 403 answer listed' },
          code: { type: 'string', maxLength: 64, description: 'The 6-digit TOTP code, or a recovery code' },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503], {
        401: 'The mfa_token is unknown, used, expired or out of attempts: log in again',
        403: 'Wrong code (invalid_mfa_code), a TOTP code used already (totp_code_used), or the account was disabled',
      }),
    },
  }, async (request) => {
    const { mfa_token: mfaToken, factor, code } = request.body;
    return auth.verifyMfa({ mfaToken, factor, code }, requestContext(request));
  });
}
