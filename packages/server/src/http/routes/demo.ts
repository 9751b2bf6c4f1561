// GET /demo: a small page built on @gatehouse-auth/client (DEMO, on unless NODE_ENV=production),
// also served on the paths of the mailed links.
// No bundler: tsc's ESM output of the client package and of the page's script is served as it is,
// read once at start from where Node resolves them, so it works from any build or install folder.
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AuthError } from '../../core/errors.js';
import { demoPageCss, demoPageHtml } from '../demo/page.js';
import { documentHeaders } from '../security.js';

/** The page loads its own scripts, styles and API only (it overrides the API's "nothing" policy). */
const DEMO_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The link pages of config/email-settings.ts's LINK_PAGES, under /demo. */
const DEMO_LINK_PAGES = ['verify-email', 'reset-password', 'magic-link', 'confirm-email-change', 'cancel-email-change'] as const;

export function demoRoutes(app: FastifyInstance): void {
  // "client/index.js" → its source; the page's import of the client package points there.
  const modules = new Map([
    ...readModules('client', new URL('./', import.meta.resolve('@gatehouse-auth/client'))),
    ...readModules('demo', new URL('../demo/', import.meta.url)),
  ]);
  const hide = { schema: { hide: true } };
  const pageHeaders = documentHeaders();
  // The pages mailed links open (outside production, APP_URL is <PUBLIC_URL>/demo): the same page,
  // whose script reads the path and the `token` query parameter.
  for (const path of ['/demo', ...DEMO_LINK_PAGES.map((page) => `/demo/${page}`)]) {
    app.get(path, hide, async (_request, reply) => send(reply.headers(pageHeaders), 'text/html; charset=utf-8', demoPageHtml));
  }
  // Browsers ask for /favicon.ico on every page: an empty answer rather than a 404 in the console.
  app.get('/favicon.ico', hide, async (_request, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  app.get('/demo/demo.css', hide, async (_request, reply) => send(reply, 'text/css; charset=utf-8', demoPageCss));
  app.get<{ Params: { '*': string } }>('/demo/js/*', hide, async (request, reply) => {
    const source = modules.get(request.params['*']);
    if (source === undefined) throw new AuthError('not_found', 'No such route.');
    return send(reply, 'text/javascript; charset=utf-8', source);
  });
}

function send(reply: FastifyReply, contentType: string, body: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('cache-control', 'no-cache')
    .header('content-security-policy', DEMO_CSP)
    .send(body);
}

function readModules(prefix: string, folder: URL): Array<[string, string]> {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.js'));
  } catch {
    throw new Error(`DEMO: no compiled modules in ${folder.pathname}; run "npm run build", or set DEMO=false`);
  }
  return names.map((name) => {
    // The source maps are not served, so drop the comment that would ask for them.
    const source = readFileSync(new URL(name, folder), 'utf8')
      .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
      .replaceAll("from '@gatehouse-auth/client'", "from '../client/index.js'"); // no import map needed
    return [`${prefix}/${name}`, source];
  });
}
