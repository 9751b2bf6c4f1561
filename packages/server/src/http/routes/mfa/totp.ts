// The caller's own factors: GET /users/me/mfa, TOTP enrolment (start, confirm), removal and new
// recovery codes; the last two need a recent sign-in (re-authentication).
import type { FastifyInstance } from 'fastify';
import { currentAuth } from '../../auth-guard.js';
import { noStore, requestContext } from '../../http.js';
import { bearerSecurity, responses } from '../../schemas.js';
import { factorSummarySchema } from './schemas.js';

const recoveryCodesSchema = {
  type: 'object',
  description: '10 single-use recovery codes, shown this once: store them somewhere safe',
  properties: { recovery_codes: { type: 'array', items: { type: 'string' } } },
  required: ['recovery_codes'],
} as const;

const enrolmentSchema = {
  type: 'object',
  description: 'A new TOTP secret, not active until confirmed with a code',
  properties: {
    secret: { type: 'string', description: 'Base32, for typing into an authenticator app' },
    otpauth_uri: { type: 'string', description: 'otpauth://totp/… (Key Uri Format)' },
    qr_svg: { type: 'string', description: 'The URI as a QR code, an SVG document' },
  },
  required: ['secret', 'otpauth_uri', 'qr_svg'],
} as const;

export function totpRoutes(app: FastifyInstance): void {
  const common = { tags: ['mfa'], security: bearerSecurity };
  const sensitive = [noStore, app.requireUser, app.requireRecentAuth];

  app.get('/users/me/mfa', {
    onRequest: [noStore, app.requireUser],
    schema: { ...common, summary: 'The caller\'s second factors', response: responses({ 200: factorSummarySchema }, [401, 403, 503]) },
  }, async (request) => app.auth.mfa.factorSummary(currentAuth(request).user.id));

  app.post('/users/me/mfa/totp', {
    onRequest: [noStore, app.requireUser],
    schema: { ...common, summary: 'Start TOTP enrolment: a secret, its otpauth URI and QR code', response: responses({ 200: enrolmentSchema }, [401, 403, 409, 503]) },
  }, async (request) => app.auth.mfa.startTotpEnrolment(currentAuth(request), requestContext(request)));

  app.post<{ Body: { code: string } }>('/users/me/mfa/totp/confirm', {
    onRequest: [noStore, app.requireUser],
    schema: {
      ...common, summary: 'Confirm TOTP enrolment with a first code; answers the recovery codes',
      body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', maxLength: 16 } } },
      response: responses({ 200: recoveryCodesSchema }, [400, 401, 403, 404, 409, 413, 415, 503]),
    },
  }, async (request) => app.auth.mfa.confirmTotpEnrolment(currentAuth(request), request.body.code, requestContext(request)));

  app.post('/users/me/mfa/recovery-codes', {
    onRequest: sensitive,
    schema: { ...common, summary: 'New recovery codes (re-authentication); the old ones stop working', response: responses({ 200: recoveryCodesSchema }, [401, 403, 404, 503]) },
  }, async (request) => app.auth.mfa.regenerateRecoveryCodes(currentAuth(request), requestContext(request)));

  app.delete('/users/me/mfa/totp', {
    onRequest: sensitive,
    schema: { ...common, summary: 'Remove TOTP and its recovery codes (re-authentication)', response: responses({ 204: { type: 'null', description: 'Removed' } }, [401, 403, 404, 503]) },
  }, async (request, reply) => {
    await app.auth.mfa.removeTotp(currentAuth(request), requestContext(request));
    return reply.status(204).send();
  });
}
