// The second-factor route group: the login's second step, re-authentication, the caller's factors.
import type { FastifyInstance } from 'fastify';
import { mfaVerifyRoute } from './verify.js';
import { reauthenticateRoute } from './reauthenticate.js';
import { totpRoutes } from './totp.js';

export function mfaRoutes(app: FastifyInstance): void {
  mfaVerifyRoute(app);
  reauthenticateRoute(app);
  totpRoutes(app);
}
