// The account page's identities: GET /users/me/identities, POST /users/me/identities/:provider/start
// (the URL that links one: the browser opens it), POST /users/me/identities/link (the session that
// asked completes it with the page's link_code and its code_verifier), DELETE /users/me/identities/:id.
import type { FastifyInstance } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import type { IdentityRecord } from '../../../storage/types/federation.js';
import { currentAuth } from '../../auth-guard.js';
import { requestContext } from '../../http.js';
import { bearerSecurity, freeText, ID_PATTERN, ref, responses, tokenPairSchema } from '../../schemas.js';

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
  completeLinkRoute(app, federation);
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
  type Body = { redirect_to?: string; code_challenge?: string; code_challenge_method?: string };
  app.post<{ Params: { provider: string }; Body: Body }>('/users/me/identities/:provider/start', {
    onRequest: app.requireUser,
    schema: {
      tags: ['federation'], summary: 'Start linking a provider (a recent sign-in covering the account\'s factors): the URL for the browser to open (valid 60 s, once)', security: bearerSecurity,
      params: { type: 'object', properties: { provider: { type: 'string', maxLength: 32 } }, required: ['provider'] },
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          redirect_to: freeText(2048, { description: 'The app page to return to' }),
          code_challenge: { type: 'string', maxLength: 128, description: 'RFC 7636 S256 challenge of a code_verifier the app keeps to complete the link (required)' },
          code_challenge_method: { type: 'string', maxLength: 16, description: '`S256` (the only method; also when absent)' },
        },
      },
      response: responses({
        200: { type: 'object', description: 'Where to send the browser', properties: { url: { type: 'string' } }, required: ['url'] },
      }, [400, 401, 403, 404, 503]),
    },
  }, async (request) => {
    const body: Body = request.body ?? {};
    const input = { redirectTo: body.redirect_to, codeChallenge: body.code_challenge, codeChallengeMethod: body.code_challenge_method };
    return { url: await federation.startLink(currentAuth(request), request.params.provider, input) };
  });
}

function completeLinkRoute(app: FastifyInstance, federation: FederationService): void {
  app.post<{ Body: { code: string; code_verifier?: string } }>('/users/me/identities/link', {
    onRequest: app.requireUser,
    schema: {
      tags: ['federation'], security: bearerSecurity,
      summary: 'Complete a link: the `link_code` the page came back with and the code_verifier, from the session that asked; every other session ends',
      body: {
        type: 'object', required: ['code'], additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1, maxLength: 128, description: 'The `link_code` parameter the app\'s page received' },
          code_verifier: { type: 'string', maxLength: 128, description: 'RFC 7636: the secret whose S256 challenge the link\'s start carried (required)' },
        },
      },
      response: responses({
        200: {
          type: 'object', description: 'Linked (`linked`: the provider): with the pair of the caller\'s new session, unless the identity was already this account\'s',
          properties: { linked: { type: 'string' }, ...tokenPairSchema.properties }, required: ['linked'],
        },
      }, [400, 401, 403, 409, 503], {
        400: 'Invalid body; invalid_code (unknown, expired, used, or another session asked for the link); invalid_code_verifier; credentials_changed',
      }),
    },
  }, async (request) => {
    const { linked, pair } = await federation.completeLink(currentAuth(request), request.body.code, request.body.code_verifier, requestContext(request));
    return { linked, ...pair };
  });
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
