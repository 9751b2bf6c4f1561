// GET|POST /oauth/authorize/consent (docs/architecture.md, "OpenID Connect provider"): the person
// signed in is shown what the client asks (pages' renderConsent) and answers Allow or Deny; the
// form carries the consent request's id and a CSRF token.
import type { FastifyInstance } from 'fastify';
import { checkCsrf, issueCsrf, pickLang, renderConsent, sendPage, t } from '../../pages/index.js';
import { errorPage, REQUEST_ID, sendStep } from './authorize.js';
import type { OidcParts } from './oidc.js';

interface ConsentForm {
  request?: unknown;
  csrf?: unknown;
  decision?: unknown;
}

export function consentRoutes(app: FastifyInstance, oidc: OidcParts): void {
  const schema = { tags: ['oidc'], hide: true } as const;
  app.get<{ Querystring: { request?: unknown } }>('/oauth/authorize/consent', { schema: { ...schema, summary: 'The consent page' } },
    async (request, reply) => {
      const id = request.query?.request;
      const who = await oidc.browserSessions.read(request);
      const page = typeof id === 'string' && REQUEST_ID.test(id) ? await oidc.authorization.consentPage(id, who) : null;
      if (!page) return errorPage(request, reply, t(pickLang(request), 'error.generic'));
      const lang = pickLang(request, page.uiLocales); // the language the client asked for (ui_locales), as the sign-in page spoke
      const csrf = issueCsrf(request, reply);
      return sendPage(reply, {
        lang, title: t(lang, 'consent.title'),
        body: renderConsent({ lang, clientName: page.clientName, scopes: page.scopes, request: page.request, csrf }),
      });
    });

  app.post<{ Body: ConsentForm }>('/oauth/authorize/consent', { schema: { ...schema, summary: 'Allow or deny a client' } },
    async (request, reply) => {
      const { request: id, csrf, decision } = request.body ?? {};
      const lang = pickLang(request);
      if (typeof csrf !== 'string' || !checkCsrf(request, csrf)) return errorPage(request, reply, t(lang, 'error.generic'));
      if (typeof id !== 'string' || !REQUEST_ID.test(id) || (decision !== 'allow' && decision !== 'deny')) {
        return errorPage(request, reply, t(lang, 'error.generic'));
      }
      const who = await oidc.browserSessions.read(request);
      return sendStep(request, reply, await oidc.authorization.decide(id, who, decision === 'allow'));
    });
}
