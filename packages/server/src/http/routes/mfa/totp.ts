// The caller's own factors: GET /users/me/mfa, TOTP enrolment (start, confirm), removal and new
// recovery codes: changes of a way in, whose proof and aftermath the core applies (docs/hardening.md,
// "Changing a way in"); each change answers the pair of the caller's new session.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { currentAuth } from '../../auth-guard.js';
import { noStore, requestContext } from '../../http.js';
import { bearerSecurity, ref, responses, withNewPair } from '../../schemas.js';
import { factorSummarySchema } from './schemas.js';

const recoveryCodesSchema = withNewPair({
  type: 'object',
  description: '10 single-use recovery codes, shown this once: store them somewhere safe; and the pair of the caller\'s new session',
  properties: { recovery_codes: { type: 'array', items: { type: 'string' } } },
  required: ['recovery_codes'],
} as const);

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

export function totpRoutes(app: FastifyInstance, mfa: AuthService['mfa']): void {
  const common = { tags: ['mfa'], security: bearerSecurity };
  const change = [noStore, app.requireUser];

  app.get('/users/me/mfa', {
    onRequest: [noStore, app.requireUser],
    schema: { ...common, summary: 'The caller\'s second factors', response: responses({ 200: factorSummarySchema }, [401, 403, 503]) },
  }, async (request) => mfa.factorSummary(currentAuth(request).user.id));

  app.post('/users/me/mfa/totp', {
    onRequest: change,
    schema: { ...common, summary: 'Start TOTP enrolment (a recent sign-in covering the account\'s factors): a secret, its otpauth URI and QR code', response: responses({ 200: enrolmentSchema }, [401, 403, 409, 503]) },
  }, async (request) => mfa.startTotpEnrolment(currentAuth(request), requestContext(request)));

  app.post<{ Body: { code: string } }>('/users/me/mfa/totp/confirm', {
    onRequest: change,
    schema: {
      ...common, summary: 'Confirm TOTP enrolment with a first code; answers the recovery codes and a new pair (every other session ends)',
      body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', maxLength: 16 } } },
      response: responses({ 200: recoveryCodesSchema }, [400, 401, 403, 404, 409, 413, 415, 503]),
    },
  }, async (request) => mfa.confirmTotpEnrolment(currentAuth(request), request.body.code, requestContext(request)));

  app.post('/users/me/mfa/recovery-codes', {
    onRequest: change,
    schema: { ...common, summary: 'New recovery codes (re-authentication); the old ones stop working, every other session ends', response: responses({ 200: recoveryCodesSchema }, [401, 403, 404, 503]) },
  }, async (request) => mfa.regenerateRecoveryCodes(currentAuth(request), requestContext(request)));

  app.delete('/users/me/mfa/totp', {
    onRequest: change,
    schema: {
      ...common, summary: 'Remove TOTP and its recovery codes (re-authentication); every other session ends',
      response: responses({ 200: { ...ref('TokenPair'), description: 'Removed: the pair of the caller\'s new session' } }, [401, 403, 404, 503]),
    },
  }, async (request) => mfa.removeTotp(currentAuth(request), requestContext(request)));
}
