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

/** The main endpoints, in the order shown; each summary is its route's own (the OpenAPI one). */
const MAIN_ENDPOINTS = [
  'POST /auth/register', 'POST /auth/login', 'POST /auth/refresh', 'POST /auth/logout', 'POST /token',
  'GET /users/me', 'GET /users/me/sessions',
];

/** What this deployment serves: links to features that are off are left out. */
export function serviceIndex(config: Pick<Config, 'docs' | 'demo' | 'jwtAlg'>, summaries: ReadonlyMap<string, string>): ServiceIndex {
  const links: Record<string, string> = {};
  if (config.docs) Object.assign(links, { docs: '/docs', openapi: '/docs/json' });
  if (config.demo) links.demo = '/demo';
  Object.assign(links, { health: '/healthz', readiness: '/readyz' });
  if (config.jwtAlg !== 'HS256') links.jwks = '/.well-known/jwks.json';
  return {
    service: 'Gatehouse',
    description: 'JWT authentication: register, login, rotating refresh tokens, logout, sessions.',
    links,
    endpoints: MAIN_ENDPOINTS.filter((name) => summaries.has(name)).map((name) => {
      const [method, path] = name.split(' ') as [string, string];
      return { method, path, summary: summaries.get(name)! };
    }),
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
  // Registered first, so it sees every route after it; the index is built at the first request.
  const summaries = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    const summary = (route.schema as { summary?: string } | undefined)?.summary;
    for (const method of [route.method].flat()) if (summary) summaries.set(`${method} ${route.url}`, summary);
  });
  let built: { index: ServiceIndex; page: string } | undefined;
  const answer = () => {
    if (!built) {
      const index = serviceIndex(app.config, summaries);
      built = { index, page: renderRootPage(index) };
    }
    return built;
  };
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
    const { index, page } = answer();
    if (!wantsHtml(request.headers.accept)) return reply.type('application/json; charset=utf-8').send(index);
    return reply.headers(pageHeaders).header('content-security-policy', ROOT_PAGE_CSP)
      .type('text/html; charset=utf-8').send(page);
  });
}
