// The admin route group (role admin): the user routes (users.ts), the session routes (sessions.ts)
// and the factor routes (factors.ts), over the admin core that compose.ts built.
import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../../../core/admin/admin.js';
import { adminUsersRoutes } from './users.js';
import { adminSessionsRoutes } from './sessions.js';
import { adminFactorRoutes } from './factors.js';

export function adminRoutes(app: FastifyInstance, admin: AdminService): void {
  adminUsersRoutes(app, admin);
  adminSessionsRoutes(app, admin);
  adminFactorRoutes(app, admin);
}
