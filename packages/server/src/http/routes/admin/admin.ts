// The admin route group (role admin): builds the admin core on the app's stores and registers
// the user routes (admin-users.ts) and the session routes (admin-sessions.ts).
import type { FastifyInstance } from 'fastify';
import { createAdminService } from '../../../core/admin/admin.js';
import type { AuditSink } from '../../../core/audit.js';
import type { Clock } from '../../../core/clock.js';
import { adminUsersRoutes } from './users.js';
import { adminSessionsRoutes } from './sessions.js';

export function adminRoutes(app: FastifyInstance, deps: { clock: Clock; audit: AuditSink }): void {
  const admin = createAdminService({
    users: app.stores.users, sessions: app.stores.sessions, roles: app.config.roles, ...deps,
  });
  adminUsersRoutes(app, admin);
  adminSessionsRoutes(app, admin);
}
