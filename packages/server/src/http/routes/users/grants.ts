// The consents a user gave relying parties (docs/architecture.md, "OpenID Connect tokens and consent"): GET /users/me/grants and
// DELETE /users/me/grants/:client_id for the user, GET and DELETE /admin/users/:id/grants[/:client_id]
// for an admin. Revoking ends that client's sessions of the user; each revocation is audited.
import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../../../core/admin/admin.js';
import { AuthError } from '../../../core/errors.js';
import { CLIENT_ID_PATTERN } from '../../../core/oidc/client-metadata.js';
import type { ConsentGrantService } from '../../../core/oidc/consent-grants.js';
import { adminActor, adminGuard, USER_ID_PATTERN, userIdParams } from '../../admin-request.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, responses } from '../../schemas.js';

const grantSchema = {
  type: 'object',
  properties: {
    client_id: { type: 'string' },
    scope: { type: 'string', description: 'The scope values consented to, space-separated' },
    created_at: { type: 'string', format: 'date-time', description: 'When the first consent was given' },
  },
  required: ['client_id', 'scope', 'created_at'],
};
const listSchema = { type: 'object', description: 'The consents, by client id', properties: { grants: { type: 'array', items: grantSchema } }, required: ['grants'] };
const revokedSchema = { type: 'null', description: 'Revoked: the client\'s sessions of the user ended' };

const toPublicGrant = (grant: { clientId: string; scopes: string[]; createdAt: Date }) =>
  ({ client_id: grant.clientId, scope: grant.scopes.join(' '), created_at: grant.createdAt.toISOString() });

const notFound = () => new AuthError('grant_not_found', 'This user has no consent for this client.');

export function grantsRoutes(app: FastifyInstance, grants: ConsentGrantService, admin: AdminService): void {
  const mine = { tags: ['users'], security: bearerSecurity };
  app.get('/users/me/grants', {
    onRequest: app.requireUser,
    schema: { ...mine, summary: 'The apps the current user consented to, and to what', response: responses({ 200: listSchema }, [401, 403, 503]) },
  }, async (request) => ({ grants: (await grants.list(currentAuth(request).user.id)).map(toPublicGrant) }));

  app.delete<{ Params: { client_id: string } }>('/users/me/grants/:client_id', {
    onRequest: app.requireUser,
    schema: {
      ...mine, summary: 'Revoke the current user\'s consent to an app; its sessions of the user end',
      params: { type: 'object', properties: { client_id: { type: 'string', pattern: CLIENT_ID_PATTERN } }, required: ['client_id'] },
      response: responses({ 204: revokedSchema }, [401, 403, 404, 503]),
    },
  }, async (request, reply) => {
    const { user, claims } = currentAuth(request);
    const by = { ctx: requestContext(request), actor: { userId: user.id, sessionId: claims.sid }, byAdmin: false };
    if (!(await grants.revokeAs(user.id, request.params.client_id, by))) throw notFound();
    return reply.status(204).send();
  });

  const guard = adminGuard(app);
  const common = { tags: ['admin'], security: bearerSecurity };
  app.get<{ Params: { id: string } }>('/admin/users/:id/grants', {
    onRequest: guard,
    schema: { ...common, params: userIdParams, summary: 'The apps a user consented to', response: responses({ 200: listSchema }, [401, 403, 404, 503]) },
  }, async (request) => {
    await admin.getUser(request.params.id);
    return { grants: (await grants.list(request.params.id)).map(toPublicGrant) };
  });

  app.delete<{ Params: { id: string; client_id: string } }>('/admin/users/:id/grants/:client_id', {
    onRequest: guard,
    schema: {
      ...common, summary: 'Revoke a user\'s consent to an app; its sessions of the user end',
      params: {
        type: 'object', properties: { id: { type: 'string', pattern: USER_ID_PATTERN }, client_id: { type: 'string', pattern: CLIENT_ID_PATTERN } },
        required: ['id', 'client_id'],
      },
      response: responses({ 204: revokedSchema }, [401, 403, 404, 503]),
    },
  }, async (request, reply) => {
    await admin.getUser(request.params.id);
    const actor = adminActor(request);
    const by = { ctx: requestContext(request), actor: { userId: actor.userId, sessionId: actor.sessionId }, byAdmin: true };
    if (!(await grants.revokeAs(request.params.id, request.params.client_id, by))) throw notFound();
    return reply.status(204).send();
  });
}
