// OpenAPI 3 generated from the route schemas, and Swagger UI at /docs with its assets served
// from the package (no CDN). The OAuth2 password flow points "Authorize" at POST /token.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DOCS_CSP, documentHeaders } from './security.js';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  const pageHeaders = documentHeaders();
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gatehouse',
        version: '0.1.0',
        description: 'JWT authentication: register, login, rotating refresh tokens, logout, sessions.',
      },
      components: {
        securitySchemes: {
          OAuth2PasswordBearer: {
            type: 'oauth2',
            flows: { password: { tokenUrl: '/token', scopes: {} } },
          },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: false, tryItOutEnabled: true },
    // Its own CSP on /docs only, replacing the API's default-src 'none' (security.ts).
    staticCSP: DOCS_CSP,
    // An HTML page: also the headers that act on documents (Referrer-Policy, COOP, …).
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.headers(pageHeaders);
        done();
      },
    },
  });
}
