// The role guard: `onRequest: [app.requireUser, app.requireRole('admin')]`. It reads the role from
// the user record the session check just loaded, not from the token's `role` claim, so a demotion
// takes effect on Gatehouse at once rather than at the token's `exp`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../core/errors.js';
import { currentAuth } from './auth-guard.js';

export type RoleGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    requireRole: (role: string) => RoleGuard;
  }
}

/** A guard that lets through only users holding `role`; 403 insufficient_role otherwise (RFC 6750 §3.1). */
export function requireRole(role: string): RoleGuard {
  return async function roleGuard(request: FastifyRequest): Promise<void> {
    if (currentAuth(request).user.role !== role) {
      throw new AuthError('insufficient_role', `This endpoint needs the "${role}" role.`);
    }
  };
}
