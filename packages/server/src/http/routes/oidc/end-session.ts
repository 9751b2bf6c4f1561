// GET|POST /oauth/end-session (OpenID Connect RP-Initiated Logout 1.0): ends the browser session
// (pages' BrowserSessions.end) and goes back to the client's registered post-logout URI, or to the
// signed-out page. Without a hint naming the person, a confirmation form (CSRF-checked) asks first.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EndSessionParams } from '../../../core/oidc/end-session.js';
import { checkCsrf, html, issueCsrf, pickLang, sendPage, t } from '../../pages/index.js';
import { errorPage } from './authorize.js';
import type { OidcParts } from './oidc.js';

const PASSED_ON = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales'] as const;

export function endSessionRoutes(app: FastifyInstance, oidc: OidcParts): void {
  const endSession = async (request: FastifyRequest, reply: FastifyReply, params: EndSessionParams, form: boolean) => {
    reply.header('cache-control', 'no-store');
    const who = await oidc.browserSessions.read(request);
    const plan = await oidc.planEndSession(params, who);
    if (!plan.ok) return errorPage(request, reply, plan.message, params.ui_locales);
    const confirmedByForm = form && params.confirm === 'yes' && typeof params.csrf === 'string' && checkCsrf(request, params.csrf);
    if (who && !plan.confirmed && !confirmedByForm) return confirmPage(request, reply, params);
    if (who) await oidc.browserSessions.end(request, reply);
    return reply.redirect(plan.then ?? '/signed-out', 303);
  };
  const schema = { tags: ['oidc'], hide: true } as const;
  app.get('/oauth/end-session', { schema: { ...schema, summary: 'RP-initiated logout' } },
    (request, reply) => endSession(request, reply, (request.query ?? {}) as EndSessionParams, false));
  app.post('/oauth/end-session', { schema: { ...schema, summary: 'RP-initiated logout, form post' } },
    (request, reply) => endSession(request, reply, (request.body ?? {}) as EndSessionParams, true));
}

/** Asks the person to sign out, carrying the client's parameters along (RP-Initiated Logout §2). */
function confirmPage(request: FastifyRequest, reply: FastifyReply, params: EndSessionParams) {
  const lang = pickLang(request, typeof params.ui_locales === 'string' ? params.ui_locales : undefined);
  const csrf = issueCsrf(request, reply);
  const hidden = PASSED_ON.filter((name) => typeof params[name] === 'string')
    .map((name) => html`<input type="hidden" name="${name}" value="${params[name] as string}">`);
  return sendPage(reply, {
    lang, title: t(lang, 'endSession.title'),
    body: html`<h1>${t(lang, 'endSession.title')}</h1>
<p>${t(lang, 'endSession.question')}</p>
<form method="post" action="/oauth/end-session">
<input type="hidden" name="csrf" value="${csrf}">
${hidden}
<button type="submit" name="confirm" value="yes">${t(lang, 'endSession.confirm')}</button>
</form>`,
  });
}
