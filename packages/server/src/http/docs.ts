// OpenAPI 3 generated from the route schemas, and Swagger UI at /docs with its assets served
// from the package (no CDN). The OAuth2 password flow points "Authorize" at POST /token.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DOCS_CSP, documentHeaders } from './security.js';

/**
 * Swagger UI always offers client_id, client_secret and where to send them in the password flow's
 * Authorize dialog; Gatehouse has no OAuth2 clients and ignores them, so they are hidden. A
 * stylesheet served from /docs (style-src 'self'), as Swagger UI has no option for it.
 */
const HIDE_CLIENT_FIELDS = ['client_id_password', 'client_secret_password', 'password_type']
  .map((id) => `.auth-container .wrapper:has(> label[for="${id}"])`).join(',\n') + ' { display: none; }\n';

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
    // BaseLayout: no top bar. Its logo is an SVG with an inline <style> that the CSP blocks (a
    // console error on every visit), and its "Explore" box loads other documents, useless here.
    uiConfig: { persistAuthorization: false, tryItOutEnabled: true, layout: 'BaseLayout' },
    theme: { title: 'Gatehouse API', css: [{ filename: 'gatehouse.css', content: HIDE_CLIENT_FIELDS }] },
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
