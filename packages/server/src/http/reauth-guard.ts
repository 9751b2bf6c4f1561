// The re-authentication guard (docs/architecture.md, "Factors"): after requireUser, a route that
// changes something sensitive needs the caller's auth_time within REAUTH_MAX_AGE, else 403
// reauthentication_required. Routes opt in with `onRequest: [app.requireUser,
// app.requireRecentAuth]`.
import type { onRequestHookHandler } from 'fastify';
import type { AuthService } from '../core/auth-service.js';
import { currentAuth } from './auth-guard.js';

export function createRequireRecentAuth(auth: Pick<AuthService, 'requireRecentAuth'>): onRequestHookHandler {
  return function requireRecentAuth(request, _reply, done) {
    try {
      auth.requireRecentAuth(currentAuth(request));
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
