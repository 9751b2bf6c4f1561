// GET|POST /oauth/authorize and GET /oauth/authorize/continue (docs/architecture.md, "OpenID Connect
// provider"): the request is checked (core/oidc/authorize-request.ts), then the flow answers the
// browser's next step: the sign-in page, the consent page, or the client's redirect URI.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkAuthorizeRequest, clientRedirect, type AuthorizeParams } from '../../../core/oidc/authorize-request.js';
import type { AuthorizeStep } from '../../../core/oidc/authorization.js';
import { pickLang, renderError, sendPage, t } from '../../pages/index.js';
import type { OidcParts } from './oidc.js';

/** The continuation id (OIDC contract): what the sign-in page carries and gives back. */
export const REQUEST_ID = /^[A-Za-z0-9_-]{22,128}$/;

export function authorizeRoutes(app: FastifyInstance, oidc: OidcParts): void {
  const authorize = async (request: FastifyRequest, reply: FastifyReply, params: AuthorizeParams) => {
    const checked = await checkAuthorizeRequest(params, (id) => oidc.clients.find(id).catch(() => null));
    if (!checked.ok) {
      const { problem } = checked;
      if (problem.to === 'page') return errorPage(request, reply, problem.description, params.ui_locales);
      const location = clientRedirect(problem.redirectUri, {
        error: problem.error, error_description: problem.description, state: problem.state, iss: oidc.issuer,
      });
      return reply.header('cache-control', 'no-store').redirect(location, 303);
    }
    const who = await oidc.browserSessions.read(request);
    return sendStep(request, reply, await oidc.authorization.start(checked.request, checked.client, who));
  };
  const schema = { tags: ['oidc'], hide: true } as const;
  app.get('/oauth/authorize', { schema: { ...schema, summary: 'OpenID Connect authorization endpoint (Core §3.1.2)' } },
    (request, reply) => authorize(request, reply, (request.query ?? {}) as AuthorizeParams));
  app.post('/oauth/authorize', { schema: { ...schema, summary: 'OpenID Connect authorization endpoint, form post (Core §3.1.2.1)' } },
    (request, reply) => authorize(request, reply, (request.body ?? {}) as AuthorizeParams));

  app.get<{ Querystring: { request?: unknown } }>('/oauth/authorize/continue', { schema: { ...schema, summary: 'Resumes a stored authorization request after sign-in' } },
    async (request, reply) => {
      const id = request.query?.request;
      if (typeof id !== 'string' || !REQUEST_ID.test(id)) return errorPage(request, reply, expired(request));
      const who = await oidc.browserSessions.read(request);
      return sendStep(request, reply, await oidc.authorization.resume(id, who));
    });
}

/** The browser's next step as an HTTP answer: 303 to where it goes, or the error page. */
export function sendStep(request: FastifyRequest, reply: FastifyReply, step: AuthorizeStep) {
  reply.header('cache-control', 'no-store');
  switch (step.kind) {
    case 'redirect':
      return reply.redirect(step.location, 303);
    case 'consent': {
      const query = new URLSearchParams({ request: step.request, client_id: step.clientId });
      if (step.uiLocales !== undefined) query.set('ui_locales', step.uiLocales);
      return reply.redirect(`/oauth/authorize/consent?${query}`, 303);
    }
    case 'signin': {
      const query = new URLSearchParams({ continue: step.request });
      if (step.loginHint !== undefined) query.set('login_hint', step.loginHint);
      if (step.uiLocales !== undefined) query.set('ui_locales', step.uiLocales);
      if (step.forceLogin) query.set('prompt', 'login');
      return reply.redirect(`/signin?${query}`, 303);
    }
    case 'expired':
      return errorPage(request, reply, expired(request));
  }
}

const expired = (request: FastifyRequest) => t(pickLang(request), 'error.generic');

/** The one error page (pages' renderError), 400: a request that cannot go back to a client. */
export function errorPage(request: FastifyRequest, reply: FastifyReply, message: string, uiLocales?: unknown) {
  const lang = pickLang(request, typeof uiLocales === 'string' ? uiLocales : undefined);
  return sendPage(reply, { status: 400, lang, title: t(lang, 'error.title'), body: renderError({ lang, message }) });
}
