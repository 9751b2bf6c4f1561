// The admin API over users (role admin): GET /admin/users (paged, searchable), GET, PATCH and
// DELETE /admin/users/:id.
import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../../../core/admin/admin.js';
import { toPublicUser } from '../../../core/accounts/user-rules.js';
import { adminActor, adminGuard, USER_ID_PATTERN, userIdParams } from '../../admin-request.js';
import { bearerSecurity, freeText, ref, responses } from '../../schemas.js';

interface ListQuery {
  q?: string;
  limit?: string;
  after?: string;
}

interface UserPatchBody {
  disabled?: boolean;
  role?: string;
  email_verified?: boolean;
}

const DEFAULT_LIMIT = 20;

const listQuerySchema = {
  type: 'object',
  properties: {
    q: freeText(254, { description: 'Prefix of the username (any case) or of the email' }),
    limit: { type: 'string', pattern: '^(100|[1-9][0-9]?)$', description: `Users per page, 1 to 100 (default ${DEFAULT_LIMIT})` },
    after: { type: 'string', pattern: USER_ID_PATTERN, description: 'next_cursor of the previous page' },
  },
} as const;

const LAST_ADMIN = { 409: 'The last enabled admin cannot be disabled, demoted or deleted' };

const userPageSchema = {
  type: 'object',
  description: 'A page of users',
  properties: {
    users: { type: 'array', items: ref('User') },
    next_cursor: { type: ['string', 'null'], description: 'Pass as `after` for the next page; null on the last' },
  },
  required: ['users', 'next_cursor'],
} as const;

const patchBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    disabled: { type: 'boolean', description: 'true ends every session of the user at once' },
    role: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$', description: 'A role declared in ROLES ("user" and "admin" by default); any other answers 400 unknown_role' },
    email_verified: { type: 'boolean', description: 'Mark the address verified (or not) without a mail' },
  },
} as const;

export function adminUsersRoutes(app: FastifyInstance, admin: AdminService): void {
  const guard = adminGuard(app);
  const common = { tags: ['admin'], security: bearerSecurity };

  app.get<{ Querystring: ListQuery }>('/admin/users', {
    onRequest: guard,
    schema: { ...common, summary: 'List users, oldest first, a page at a time', querystring: listQuerySchema,
      response: responses({ 200: userPageSchema }, [400, 401, 403, 503]) },
  }, async (request) => {
    const { q, limit, after } = request.query;
    const page = await admin.listUsers({ query: q, limit: limit ? Number(limit) : DEFAULT_LIMIT, after });
    return { users: page.users.map(toPublicUser), next_cursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/admin/users/:id', {
    onRequest: guard,
    schema: { ...common, summary: 'One user', params: userIdParams, response: responses({ 200: ref('User') }, [401, 403, 404, 503]) },
  }, async (request) => toPublicUser(await admin.getUser(request.params.id)));

  app.patch<{ Params: { id: string }; Body: UserPatchBody }>('/admin/users/:id', {
    onRequest: guard,
    schema: { ...common, summary: 'Disable, enable, change the role of a user or mark their address verified; disabling ends their sessions',
      params: userIdParams, body: patchBodySchema, response: responses({ 200: ref('User') }, [400, 401, 403, 404, 409, 413, 415, 503], LAST_ADMIN) },
  }, async (request) => {
    const { email_verified: emailVerified, ...rest } = request.body;
    const changes = emailVerified === undefined ? rest : { ...rest, emailVerified };
    return toPublicUser(await admin.updateUser(adminActor(request), request.params.id, changes));
  });

  app.delete<{ Params: { id: string } }>('/admin/users/:id', {
    onRequest: guard,
    schema: { ...common, summary: 'Delete a user and end their sessions', params: userIdParams,
      response: responses({ 204: { type: 'null', description: 'Deleted' } }, [401, 403, 404, 409, 503], LAST_ADMIN) },
  }, async (request, reply) => {
    await admin.deleteUser(adminActor(request), request.params.id);
    return reply.status(204).send();
  });
}
