// Signing in with a configured provider from a page (docs/architecture.md, "Pages", "Federation"):
// GET /signin/provider/:id sends the browser through the existing federation start, asking it to
// come back to GET /signin/provider/:id/done, which exchanges the one-time code (the same use case
// as POST /auth/federated/exchange) for a browser session, or shows the second step. The return is
// bound to the browser that left: a random value in a cookie, its HMAC in the return URL, so a
// code from somebody else's sign-in cannot sign this browser in (login CSRF). The start's PKCE
// code_verifier (core/federation/pkce.ts) is another HMAC of the cookie's value, kept nowhere.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FederationService } from '../../core/federation/federation-service.js';
import { isMfaRequired } from '../../core/login/finish-login.js';
import { START_BROWSER_SESSION } from '../../core/login/outcomes.js';
import { challengeOf } from '../../core/federation/pkce.js';
import { requestContext } from '../http.js';
import { pageKitOf } from './context.js';
import { continueOf } from './continuation.js';
import { cookieName, readCookie, setCookie } from './cookies.js';
import { langOf, pageFailure, queryParam, uiLocalesOf } from './form.js';
import { renderError } from './error-page.js';
import { t } from './i18n.js';
import { sendPage } from './layout.js';
import { secondStepPage, signedIn } from './signin.js';

const PROVIDER_COOKIE = 'gh_provider';
const PROVIDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function providerPageRoutes(app: FastifyInstance, federation: FederationService, publicUrl: string | undefined): void {
  const hide = { schema: { hide: true } };
  const bindOf = (value: string) => createHmac('sha256', pageKitOf(app).csrfKey).update(`provider-return:${value}`).digest('base64url');
  const verifierOf = (value: string) => createHmac('sha256', pageKitOf(app).csrfKey).update(`provider-verifier:${value}`).digest('base64url');

  function failed(request: FastifyRequest, reply: FastifyReply, status: number, code: string) {
    const lang = langOf(request);
    return sendPage(reply.header('gatehouse-error', code), {
      status, lang, title: t(lang, 'error.title'), body: renderError({ lang, message: t(lang, code === 'csrf_failed' ? 'error.csrf' : 'error.provider'), code }),
    });
  }

  app.get<{ Params: { provider: string } }>('/signin/provider/:provider', hide, async (request, reply) => {
    const { provider } = request.params;
    if (!PROVIDER_ID.test(provider) || !publicUrl || !federation.providers().some((known) => known.id === provider)) return failed(request, reply, 404, 'not_found');
    const value = randomBytes(32).toString('base64url');
    const { secure } = pageKitOf(app);
    setCookie(reply, cookieName(PROVIDER_COOKIE, secure), value, { secure, maxAgeSeconds: 600 });
    const back = new URL(`${publicUrl}/signin/provider/${provider}/done`);
    const next = continueOf(queryParam(request, 'continue', 128));
    if (next) back.searchParams.set('continue', next);
    const uiLocales = uiLocalesOf(request);
    if (uiLocales) back.searchParams.set('ui_locales', uiLocales);
    back.searchParams.set('bind', bindOf(value));
    const start = new URLSearchParams({ redirect_to: back.href, code_challenge: challengeOf(verifierOf(value)), code_challenge_method: 'S256' });
    return reply.redirect(`/auth/federated/${provider}/start?${start}`, 303);
  });

  app.get<{ Params: { provider: string } }>('/signin/provider/:provider/done', hide, async (request, reply) => {
    const { secure } = pageKitOf(app);
    const name = cookieName(PROVIDER_COOKIE, secure);
    const value = readCookie(request, name);
    setCookie(reply, name, '', { secure, maxAgeSeconds: 0 });
    const expected = value === undefined ? undefined : Buffer.from(bindOf(value));
    const given = Buffer.from(queryParam(request, 'bind', 128));
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) return failed(request, reply, 403, 'csrf_failed');
    const code = queryParam(request, 'code', 128);
    if (!code) return failed(request, reply, 400, queryParam(request, 'error', 64).replace(/[^a-z_]/g, '') || 'validation_failed');
    const lang = langOf(request);
    const next = continueOf(queryParam(request, 'continue', 128));
    try {
      const result = await federation.exchangeFor(code, verifierOf(value!), requestContext(request), START_BROWSER_SESSION);
      if (isMfaRequired(result)) return secondStepPage(request, reply, { lang, next, mfaToken: result.mfaRequired.mfa_token, factors: result.mfaRequired.factors });
      return await signedIn(request, reply, result, next);
    } catch (error) {
      const failure = pageFailure(error, lang, reply);
      return sendPage(reply, { status: failure.status, lang, title: t(lang, 'error.title'), body: renderError({ lang, message: failure.message, code: failure.code }) });
    }
  });
}
