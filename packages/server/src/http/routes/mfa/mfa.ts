// The second-factor route group: the login's second step, re-authentication, the caller's factors.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { mfaVerifyRoute } from './verify.js';
import { reauthenticateRoute } from './reauthenticate.js';
import { totpRoutes } from './totp.js';

export function mfaRoutes(app: FastifyInstance, auth: AuthService): void {
  mfaVerifyRoute(app, auth);
  reauthenticateRoute(app, auth);
  totpRoutes(app, auth.mfa);
}
