// The account page's identities: GET /users/me/identities, POST /users/me/identities/:provider/start
// (the URL that links one: the browser opens it), DELETE /users/me/identities/:id.
import type { FastifyInstance } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import type { IdentityRecord } from '../../../storage/types/federation.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, freeText, ID_PATTERN, ref, responses } from '../../schemas.js';

const identitySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    provider: { type: 'string', description: 'The provider\'s id in FEDERATION_PROVIDERS' },
    email: { type: ['string', 'null'], description: 'The email the provider asserted at the last login' },
    email_verified: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    last_used_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'provider', 'email', 'email_verified', 'created_at', 'last_used_at'],
};

export function toPublicIdentity(identity: IdentityRecord) {
  return {
    id: identity.id, provider: identity.provider, email: identity.email, email_verified: identity.emailVerified,
    created_at: identity.createdAt.toISOString(), last_used_at: identity.lastUsedAt.toISOString(),
  };
}

export function identitiesRoutes(app: FastifyInstance, federation: FederationService): void {
  listRoute(app, federation);
  linkRoute(app, federation);
  unlinkRoute(app, federation);
}

function listRoute(app: FastifyInstance, federation: FederationService): void {
  app.get('/users/me/identities', {
    onRequest: app.requireUser,
    schema: {
      tags: ['federation'], summary: 'The identity providers linked to the current user', security: bearerSecurity,
      response: responses({
        200: { type: 'object', description: 'The identities', properties: { identities: { type: 'array', items: identitySchema } }, required: ['identities'] },
      }, [401, 403, 503]),
    },
  }, async (request) => ({ identities: (await federation.listIdentities(currentAuth(request).user.id)).map(toPublicIdentity) }));
}

function linkRoute(app: FastifyInstance, federation: FederationService): void {
  app.post<{ Params: { provider: string }; Body: { redirect_to?: string } }>('/users/me/identities/:provider/start', {
    onRequest: app.requireUser,
    schema: {
      tags: ['federation'], summary: 'Start linking a provider (a recent sign-in covering the account\'s factors): the URL for the browser to open (valid 60 s, once)', security: bearerSecurity,
      params: { type: 'object', properties: { provider: { type: 'string', maxLength: 32 } }, required: ['provider'] },
      body: { type: 'object', additionalProperties: false, properties: { redirect_to: freeText(2048, { description: 'The app page to return to' }) } },
      response: responses({
        200: { type: 'object', description: 'Where to send the browser', properties: { url: { type: 'string' } }, required: ['url'] },
      }, [400, 401, 403, 404, 503]),
    },
  }, async (request) => ({ url: await federation.startLink(currentAuth(request), request.params.provider, request.body?.redirect_to) }));
}

function unlinkRoute(app: FastifyInstance, federation: FederationService): void {
  app.delete<{ Params: { id: string } }>('/users/me/identities/:id', {
    onRequest: app.requireUser,
    schema: {
      tags: ['federation'], summary: 'Unlink an identity (a recent sign-in; never the account\'s last way to log in); every other session ends', security: bearerSecurity,
      params: { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN } }, required: ['id'] },
      response: responses({ 200: { ...ref('TokenPair'), description: 'Unlinked: the pair of the caller\'s new session' } }, [401, 403, 404, 409, 503]),
    },
  }, async (request) => federation.unlink(currentAuth(request), request.params.id, requestContext(request)));
}
