// The browser's side of a federated login (docs/architecture.md, "Federation"): the public list of
// providers, the start (302 to the provider) and the callback (302 back to the app with a one-time
// code or an error). The redirects carry Referrer-Policy: no-referrer, so neither the state nor the
// code leaks onward.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import { requestContext } from '../../http.js';
import { freeText, responses } from '../../schemas.js';
import { clearBrowserCookie, readBrowserCookie, setBrowserCookie } from './browser-cookie.js';

const providerParam = { type: 'object', properties: { provider: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' } }, required: ['provider'] };
const redirect = { 302: { type: 'null', description: 'A redirect (Location header)' } };

function sendTo(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').redirect(location, 302);
}

export function federatedLoginRoutes(app: FastifyInstance, federation: FederationService): void {
  providersRoute(app, federation);
  startRoute(app, federation);
  callbackRoute(app, federation);
}

function providersRoute(app: FastifyInstance, federation: FederationService): void {
  app.get('/auth/federated/providers', {
    schema: {
      tags: ['federation'],
      summary: 'The identity providers one can sign in with (ids and names only)',
      response: responses({
        200: {
          type: 'object', description: 'The providers',
          properties: {
            providers: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string', enum: ['oidc', 'github'] } }, required: ['id', 'name', 'type'] },
            },
          },
          required: ['providers'],
        },
      }, []),
    },
  }, async () => ({ providers: federation.providers() }));
}

function startRoute(app: FastifyInstance, federation: FederationService): void {
  app.get<{ Params: { provider: string }; Querystring: { redirect_to?: string; link?: string; code_challenge?: string; code_challenge_method?: string } }>('/auth/federated/:provider/start', {
    schema: {
      tags: ['federation'],
      summary: 'Start signing in with a provider: a redirect to it (state, nonce, PKCE S256); the app\'s own S256 code_challenge is required',
      params: providerParam,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          redirect_to: freeText(2048, { description: 'The app page to return to; APP_URL by default' }),
          link: { type: 'string', maxLength: 128, description: 'A link ticket (the URL POST /users/me/identities/:provider/start answers)' },
          code_challenge: { type: 'string', maxLength: 128, description: 'RFC 7636 S256 challenge of a code_verifier the app keeps for the exchange (required for a sign-in)' },
          code_challenge_method: { type: 'string', maxLength: 16, description: '`S256` (the only method; also when absent)' },
        },
      },
      response: responses(redirect, [400, 404, 429, 503]),
    },
  }, async (request, reply) => {
    const { query } = request;
    const input = { redirectTo: query.redirect_to, link: query.link, codeChallenge: query.code_challenge, codeChallengeMethod: query.code_challenge_method };
    const { location, browserKey } = await federation.start(request.params.provider, input, requestContext(request));
    if (browserKey) setBrowserCookie(reply, browserKey, federation.secureCookie);
    return sendTo(reply, location);
  });
}

function callbackRoute(app: FastifyInstance, federation: FederationService): void {
  app.get<{ Params: { provider: string } }>('/auth/federated/:provider/callback', {
    schema: {
      tags: ['federation'],
      summary: 'Where the provider sends the browser back; redirects to the app with a one-time code (a link: link_code) or an error',
      params: providerParam,
      response: responses(redirect, [400, 404]),
    },
  }, async (request, reply) => {
    const url = request.raw.url ?? '';
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const location = await federation.finish(request.params.provider, query, readBrowserCookie(request), requestContext(request));
    clearBrowserCookie(reply, federation.secureCookie);
    return sendTo(reply, location);
  });
}
