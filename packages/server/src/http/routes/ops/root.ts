// GET /: where to start. JSON with the service name, links to what this deployment serves (docs,
// demo, health, JWKS: each only when on) and the main endpoints; an HTML page for a browser.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config/config.js';
import { renderRootPage, ROOT_PAGE_CSP, wantsHtml } from '../../root-page.js';
import { documentHeaders } from '../../security.js';

export interface ServiceIndex {
  service: string;
  description: string;
  links: Record<string, string>;
  endpoints: Array<{ method: string; path: string; summary: string }>;
}

const ENDPOINTS: ServiceIndex['endpoints'] = [
  { method: 'POST', path: '/auth/register', summary: 'Create an account: a token pair and the user' },
  { method: 'POST', path: '/auth/login', summary: 'Log in with username or email and password: a token pair' },
  { method: 'POST', path: '/auth/refresh', summary: 'Exchange the access and refresh tokens for a new pair' },
  { method: 'POST', path: '/auth/logout', summary: 'Log out this session, the others, or all' },
  { method: 'POST', path: '/token', summary: 'OAuth2 token endpoint (form-encoded): password and refresh_token grants' },
  { method: 'GET', path: '/users/me', summary: 'The user of the bearer token' },
  { method: 'GET', path: '/users/me/sessions', summary: 'The live sessions of the current user' },
];

/** What this deployment serves: links to features that are off are left out. */
export function serviceIndex(config: Pick<Config, 'docs' | 'demo' | 'jwtAlg'>): ServiceIndex {
  const links: Record<string, string> = {};
  if (config.docs) Object.assign(links, { docs: '/docs', openapi: '/docs/json' });
  if (config.demo) links.demo = '/demo';
  Object.assign(links, { health: '/healthz', readiness: '/readyz' });
  if (config.jwtAlg !== 'HS256') links.jwks = '/.well-known/jwks.json';
  return {
    service: 'Gatehouse',
    description: 'JWT authentication: register, login, rotating refresh tokens, logout, sessions.',
    links,
    endpoints: ENDPOINTS,
  };
}

const indexSchema = {
  type: 'object',
  properties: {
    service: { type: 'string' },
    description: { type: 'string' },
    links: { type: 'object', additionalProperties: { type: 'string' }, description: 'Name → path, for the features that are on' },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        properties: { method: { type: 'string' }, path: { type: 'string' }, summary: { type: 'string' } },
        required: ['method', 'path', 'summary'],
      },
    },
  },
  required: ['service', 'description', 'links', 'endpoints'],
};

export function rootRoute(app: FastifyInstance): void {
  const index = serviceIndex(app.config);
  const page = renderRootPage(index);
  const pageHeaders = documentHeaders();
  app.get('/', {
    schema: {
      tags: ['health'],
      summary: 'Where to start: links to the docs, health and main endpoints (HTML for a browser)',
      response: {
        200: {
          description: 'The service index',
          content: { 'application/json': { schema: indexSchema }, 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  }, async (request, reply) => {
    reply.header('vary', 'accept');
    if (!wantsHtml(request.headers.accept)) return reply.type('application/json; charset=utf-8').send(index);
    return reply.headers(pageHeaders).header('content-security-policy', ROOT_PAGE_CSP)
      .type('text/html; charset=utf-8').send(page);
  });
}
