// GET|POST /oauth/authorize/consent (docs/architecture.md, "OpenID Connect provider"): the person
// signed in is shown what the client asks (pages' renderConsent) and answers Allow or Deny; the
// form carries the consent request's id and a CSRF token. A request already answered, spent or
// expired (a reload, the back button, the form sent twice) gets a page that says so, with a way
// back to the app and to the account (renderConsentOver), not the error page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkCsrf, issueCsrf, pickLang, renderConsent, renderConsentOver, sendPage, t } from '../../pages/index.js';
import { CLIENT_ID_PATTERN } from '../../../core/oidc/client-metadata.js';
import { errorPage, REQUEST_ID, sendStep } from './authorize.js';
import type { OidcParts } from './oidc.js';

interface ConsentForm {
  request?: unknown;
  csrf?: unknown;
  decision?: unknown;
  client_id?: unknown;
  ui_locales?: unknown;
}

const CLIENT_ID = new RegExp(CLIENT_ID_PATTERN);
const text = (value: unknown) => (typeof value === 'string' && value.length <= 128 ? value : undefined);

export function consentRoutes(app: FastifyInstance, oidc: OidcParts): void {
  const schema = { tags: ['oidc'], hide: true } as const;

  /** 410: the request is over. The app's link is its registered redirect URI's origin (http or https), so no request can point it elsewhere. */
  async function over(request: FastifyRequest, reply: FastifyReply, from: { client_id?: unknown; ui_locales?: unknown }) {
    const lang = pickLang(request, text(from.ui_locales));
    const clientId = text(from.client_id);
    const client = clientId !== undefined && CLIENT_ID.test(clientId) ? await oidc.clients.find(clientId).catch(() => null) : null;
    const home = client?.redirectUris.map((uri) => new URL(uri)).find((uri) => uri.protocol === 'https:' || uri.protocol === 'http:');
    const appLink = client && home ? { name: client.clientName || client.clientId, url: `${home.origin}/` } : undefined;
    reply.header('cache-control', 'no-store');
    return sendPage(reply, { status: 410, lang, title: t(lang, 'consentOver.title'), body: renderConsentOver({ lang, app: appLink }) });
  }

  app.get<{ Querystring: { request?: unknown; client_id?: unknown; ui_locales?: unknown } }>('/oauth/authorize/consent', { schema: { ...schema, summary: 'The consent page' } },
    async (request, reply) => {
      const query = request.query ?? {};
      const id = query.request;
      const who = await oidc.browserSessions.read(request);
      const page = typeof id === 'string' && REQUEST_ID.test(id) ? await oidc.authorization.consentPage(id, who) : null;
      if (!page) return over(request, reply, query);
      const lang = pickLang(request, page.uiLocales); // the language the client asked for (ui_locales), as the sign-in page spoke
      const csrf = issueCsrf(request, reply);
      return sendPage(reply, {
        lang, title: t(lang, 'consent.title'),
        body: renderConsent({
          lang, clientName: page.clientName, scopes: page.scopes, request: page.request, clientId: page.clientId, uiLocales: page.uiLocales, csrf,
        }),
      });
    });

  app.post<{ Body: ConsentForm }>('/oauth/authorize/consent', { schema: { ...schema, summary: 'Allow or deny a client' } },
    async (request, reply) => {
      const body = request.body ?? {};
      const { request: id, csrf, decision } = body;
      const lang = pickLang(request);
      if (typeof csrf !== 'string' || !checkCsrf(request, csrf)) return errorPage(request, reply, t(lang, 'error.generic'));
      if (typeof id !== 'string' || !REQUEST_ID.test(id) || (decision !== 'allow' && decision !== 'deny')) {
        return errorPage(request, reply, t(lang, 'error.generic'));
      }
      const who = await oidc.browserSessions.read(request);
      const step = await oidc.authorization.decide(id, who, decision === 'allow');
      return step.kind === 'expired' ? over(request, reply, body) : sendStep(request, reply, step);
    });
}
